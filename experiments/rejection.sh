#!/bin/sh
# rejection.sh MODEL98 [MODERN]: error of the accepted test digits against the % rejected,
# rejecting by the gap between the best two scores (the paper's Fig. 10 measure), for the 1998
# network and (if its model file exists) the modern variant -> FIGDIR/rejection.{dat,png}.
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
"$LENET98" eval --model "$M98" --arch lenet5 --data "$DATA" --reject-curve "$T/a.tsv" --dump "$T/a.dump" > "$T/a.out"
if [ -n "$MMOD" ] && [ -f "$MMOD" ]; then
    "$LENET98" eval --model "$MMOD" --arch modern --data "$DATA" --reject-curve "$T/b.tsv" --dump "$T/b.dump" > "$T/b.out"
else
    echo "$0: modern model ${MMOD:-(none given)} not found: its curve is left out" >&2
fi
# the point of curve X (a or b) at 0.5% error: the first row, fewest rejected, where the
# accepted digits' errors are at most 0.5% of them (n: the rows of the eval dump); columns by
# name from the curve TSV -> "rejected_pct threshold", or nothing if 0.5% is never reached
at05() {
    n=$(experiments/col.sh "$T/$1.dump" index | wc -l)
    experiments/col.sh "$T/$1.tsv" rejected errors rejected_pct threshold |
        awk -F'\t' -v n="$n" '200 * $2 <= n - $1 { print $3 "\t" $4; exit }'
}
point() { # SERIES X
    at05 "$2" | awk -F'\t' -v s="$1" '{ print s "\t" $1 "\t0.5\t" $2 }'
}
CUT=$(for x in a b; do [ -f "$T/$x.tsv" ] && at05 $x; done |
      awk 'BEGIN { c = 15 } $1 * 1.2 > c { c = $1 * 1.2 } END { print c }')
cut15() { experiments/col.sh "$1" rejected rejected_pct errors error_pct threshold | awk -F'\t' -v c="$CUT" '$2 + 0 <= c'; }
{
    echo "# rejection curves; revision $(cat "$B/revision" 2>/dev/null || echo unknown)"
    echo "# command: $0 $*"
    grep -h '^# lenet98' "$T/a.tsv" "$T"/b.tsv 2>/dev/null
    grep -h '^test set\|^rejection' "$T/a.out" | sed 's/^/# lenet5: /'
    [ -f "$T/b.out" ] && grep -h '^test set\|^rejection' "$T/b.out" | sed 's/^/# modern: /'
    echo "# columns: rejected rejected_pct errors error_pct threshold"
    cut15 "$T/a.tsv"; printf '\n\n'
    if [ -f "$T/b.tsv" ]; then cut15 "$T/b.tsv"; else echo "NaN NaN NaN NaN NaN"; fi
    printf '\n\n'
    point lenet5 a
    [ -f "$T/b.tsv" ] && point modern b
    true
} > "$FIGDIR"/rejection.dat
stamp "$FIGDIR"/rejection.dat $(( $(date +%s) - t0 ))
plot rejection
