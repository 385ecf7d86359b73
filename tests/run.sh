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
D=$(mktemp -d); trap 'rm -rf "$D"' EXIT
: >"$D/skips"
# The suites, in the order their output is printed. They share nothing but the binaries, so
# they run in two lanes at once (two cores: about half the wall time); each lane runs its
# suites one after another, the two lanes balanced by the suites' usual times.
SUITES="$VALGRIND $B/test-double|$VALGRIND $B/test-float|tests/cli.sh $B|tests/modern.sh $B|tests/classify.sh $B|tests/faults.sh $B|tests/hostile.sh $B|tests/ckpt.sh $B|tests/jobs.sh $B|tests/fuzz/replay.sh $B|tests/pyloader.sh $B|tests/reference.sh $B|tests/archive.sh $B|tests/readings.sh $B|tests/validation.sh $B"
LANE_A="1 5 7 9 10 11 13 15"   # test-double, classify, hostile, jobs, replay, pyloader, archive, validation
LANE_B="2 3 4 6 8 12 14"    # test-float, cli, modern, faults, ckpt, reference, readings
suite() { echo "$SUITES" | cut -d'|' -f"$1"; }
lane() {
    for i in "$@"; do
        sh -c "$(suite "$i")" >"$D/$i.out" 2>&1
        echo $? >"$D/$i.rc"
    done
}
# shellcheck disable=SC2086 # the lanes are lists of numbers
lane $LANE_A & a=$!
# shellcheck disable=SC2086
lane $LANE_B & b=$!
wait "$a" "$b"
n=$(echo "$SUITES" | tr '|' '\n' | wc -l)
i=1
while [ "$i" -le "$n" ]; do
    t=$(suite "$i"); out=$D/$i.out; rc=$(cat "$D/$i.rc" 2>/dev/null || echo 1)
    i=$((i + 1))
    cat "$out"
    grep -E '^SKIP ' "$out" >>"$D/skips"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
    if [ -z "$line" ]; then
        echo "FAIL $t: exited $rc without a summary line"; total_f=$((total_f + 1)); status=1; continue
    fi
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
    total_p=$((total_p + p)); total_f=$((total_f + f))
    [ "$rc" -eq 0 ] || status=1
done
echo "== all tests =="
total_s=$(wc -l <"$D/skips" | tr -d ' ')
[ "$total_s" -eq 0 ] || { echo "skipped: $(sed 's/^SKIP \([^:]*\):.*/\1/' "$D/skips" | paste -sd ' ' -)"; cat "$D/skips"; }
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ] && [ "$status" -eq 0 ]
