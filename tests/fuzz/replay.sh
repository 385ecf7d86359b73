#!/bin/sh
# replay.sh BUILD: every file of the seed corpus (tests/fuzz/corpus/T/) and every input of a
# crash found and fixed (tests/fuzz/regressions/T/) through its fuzz target T, with
# BUILD/fuzz-replay. Ends with "N passed, N failed".
B=${1:-build}
D=$(dirname "$0")
pass=0; fail=0
echo "# fuzz replay"
for t in idx idx_gz model pgm ckpt; do
    for f in "$D/corpus/$t"/* "$D/regressions/$t"/*; do
        [ -f "$f" ] || continue
        if $VALGRIND "$B/fuzz-replay" "$t" "$f" >/dev/null; then pass=$((pass + 1))
        else fail=$((fail + 1)); echo "FAIL fuzz $t: $f"; fi
    done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
