#!/bin/sh
# rejection.sh MODEL98 [MODERN]: error of the accepted test digits against the % rejected,
# rejecting by the gap between the best two scores (the paper's Fig. 10 measure), for the 1998
# network and (if its model file exists) the modern variant -> figures/rejection.{dat,png}.
# Block 0: the 1998 curve, block 1: the modern curve (empty if not run), block 2: the points
# at 0.5% error (series rejected_pct error_pct threshold). Curves are cut at 15% rejected, or
# 1.2 times the largest % rejected at 0.5% error if that is more.
set -e
. "$(dirname "$0")/figlib.sh"
M98=${1:?usage: rejection.sh MODEL98 [MODERN]}
MMOD=${2:-}
need "$M98"
t0=$(date +%s)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/lenet98" eval --model "$M98" --arch lenet5 --data "$DATA" --reject-curve "$T/a.tsv" > "$T/a.out"
if [ -n "$MMOD" ] && [ -f "$MMOD" ]; then
    "$B/lenet98" eval --model "$MMOD" --arch modern --data "$DATA" --reject-curve "$T/b.tsv" > "$T/b.out"
else
    echo "$0: modern model ${MMOD:-(none given)} not found: its curve is left out" >&2
fi
point() { # SERIES OUT: from "rejection: X% rejected (...) ...; threshold gap T"
    sed -n 's/^rejection: \([0-9.]*\)% rejected .* threshold gap \(.*\)$/\1 \2/p' "$2" |
        awk -v s="$1" '{ print s "\t" $1 "\t0.5\t" $2 }'
}
CUT=$(cat "$T"/*.out | sed -n 's/^rejection: \([0-9.]*\)% rejected.*/\1/p' |
      awk 'BEGIN { c = 15 } $1 * 1.2 > c { c = $1 * 1.2 } END { print c }')
cut15() { awk -F'\t' -v c="$CUT" '/^#/ || $1 == "rejected" { next } $2 + 0 <= c'; }
{
    echo "# rejection curves; revision $(cat "$B/revision" 2>/dev/null || echo unknown)"
    echo "# command: $0 $*"
    grep -h '^# lenet98' "$T/a.tsv" "$T"/b.tsv 2>/dev/null
    grep -h '^test set\|^rejection' "$T/a.out" | sed 's/^/# lenet5: /'
    [ -f "$T/b.out" ] && grep -h '^test set\|^rejection' "$T/b.out" | sed 's/^/# modern: /'
    echo "# columns: rejected rejected_pct errors error_pct threshold"
    cut15 < "$T/a.tsv"; printf '\n\n'
    if [ -f "$T/b.tsv" ]; then cut15 < "$T/b.tsv"; else echo "NaN NaN NaN NaN NaN"; fi
    printf '\n\n'
    point lenet5 "$T/a.out"
    [ -f "$T/b.out" ] && point modern "$T/b.out"
    true
} > figures/rejection.dat
stamp figures/rejection.dat $(( $(date +%s) - t0 ))
render rejection
