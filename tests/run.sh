#!/bin/sh
# run.sh BUILD: runs every test program and script, prints their output and a total line
# "N passed, N failed, N skipped"; exits non-zero if anything failed or a program crashed.
# Each script ends with its own "N passed, N failed"; a part it cannot run (a missing tool)
# it reports on a line starting "SKIP NAME: why", counted here as one skip and named before
# the total.
# VALGRIND (e.g. from `make valgrind`), if set, is put before every program the tests run.
B=${1:-build}
export VALGRIND
total_p=0; total_f=0; status=0
out=$(mktemp); skips=$(mktemp); trap 'rm -f "$out" "$skips"' EXIT
for t in "$VALGRIND $B/test-double" "$VALGRIND $B/test-float" "tests/cli.sh $B" \
         "tests/modern.sh $B" "tests/classify.sh $B" "tests/faults.sh $B" "tests/hostile.sh $B" "tests/ckpt.sh $B" \
         "tests/jobs.sh $B" "tests/fuzz/replay.sh $B" "tests/pyloader.sh $B" "tests/reference.sh $B" "tests/archive.sh $B"; do
    sh -c "$t" >"$out" 2>&1; rc=$?
    cat "$out"
    grep -E '^SKIP ' "$out" >>"$skips"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
    if [ -z "$line" ]; then
        echo "FAIL $t: exited $rc without a summary line"; total_f=$((total_f + 1)); status=1; continue
    fi
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
    total_p=$((total_p + p)); total_f=$((total_f + f))
    [ "$rc" -eq 0 ] || status=1
done
echo "== all tests =="
total_s=$(wc -l <"$skips" | tr -d ' ')
[ "$total_s" -eq 0 ] || { echo "skipped: $(sed 's/^SKIP \([^:]*\):.*/\1/' "$skips" | paste -sd ' ' -)"; cat "$skips"; }
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ] && [ "$status" -eq 0 ]
