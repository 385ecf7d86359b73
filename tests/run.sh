#!/bin/sh
# run.sh BUILD: runs every test program and script, prints their output and a total line
# "N passed, N failed"; exits non-zero if anything failed or a program crashed.
# VALGRIND (e.g. from `make valgrind`), if set, is put before every program the tests run.
B=${1:-build}
export VALGRIND
total_p=0; total_f=0; status=0
out=$(mktemp); trap 'rm -f "$out"' EXIT
for t in "$VALGRIND $B/test-double" "$VALGRIND $B/test-float" "tests/cli.sh $B" \
         "tests/modern.sh $B" "tests/faults.sh $B" "tests/jobs.sh $B" "tests/fuzz/replay.sh $B" \
         "tests/pyloader.sh $B" "tests/reference.sh $B"; do
    sh -c "$t" >"$out" 2>&1; rc=$?
    cat "$out"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
    if [ -z "$line" ]; then
        echo "FAIL $t: exited $rc without a summary line"; total_f=$((total_f + 1)); status=1; continue
    fi
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
    total_p=$((total_p + p)); total_f=$((total_f + f))
    [ "$rc" -eq 0 ] || status=1
done
echo "== all tests =="
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ] && [ "$status" -eq 0 ]
