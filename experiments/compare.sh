#!/bin/sh
# compare.sh MODEL98 [MODERN [DIST]]: the paper's classifier comparisons (Figs. 9, 11, 12, from
# experiments/paper/results-1998.tsv) with this reproduction added: test error measured by
# `lenet98 eval --dump` (one row per test image; the error is counted from its label and
# predicted columns, read by name), multiply-adds per image and parameters from `lenet98 info` (our count: one
# multiply-add per non-bias connection; see figures/REPORT.md for why the paper's 401 thousand
# differs) -> FIGDIR/fig9.{dat,png}, fig11, fig12. Columns: label, value, ours (1) or paper (0).
# The modern rows are left out if its model file is missing (its info counts stay). DIST, the
# distortion-trained 1998 network, adds a row to Fig. 9 beside the paper's "[dist] LeNet-5".
set -e
. "$(dirname "$0")/figlib.sh"
M98=${1:?usage: compare.sh MODEL98 [MODERN [DIST]]}
MMOD=${2:-}
MDIST=${3:-}
CMDLINE="$0 $*"
P=experiments/paper/results-1998.tsv
need "$M98"; need "$P"
t0=$(date +%s)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
err() { # MODEL ARCH -> test error %, from the eval dump's label and predicted columns
    "$LENET98" eval --model "$1" --arch "$2" --data "$DATA" --dump "$T/dump.tsv" > /dev/null
    experiments/col.sh "$T/dump.tsv" label predicted |
        awk -F'\t' '{ n++; e += $1 != $2 } END { printf "%.2f\n", 100 * e / n }'
}
total() { # ARCH COLUMN -> the total row's COLUMN of `lenet98 info --tsv`, read by name
    "$LENET98" info --arch "$1" --tsv > "$T/info.tsv"
    experiments/col.sh "$T/info.tsv" layer "$2" | awk -F'\t' '$1 == "total" { print $2 }'
}
e98=$(err "$M98" lenet5)
emod=""
[ -n "$MMOD" ] && [ -f "$MMOD" ] && emod=$(err "$MMOD" modern)
edist=""
[ -n "$MDIST" ] && [ -f "$MDIST" ] && edist=$(err "$MDIST" lenet5)
mac98=$(total lenet5 mult_adds); macmod=$(total modern mult_adds)
par98=$(total lenet5 params); parmod=$(total modern params)
rev=$(cat "$B/revision" 2>/dev/null || echo unknown)
t1=$(date +%s)
write() { # FIG UNIT OURS98 OURSMOD [OURSDIST]
    f=$FIGDIR/$1.dat
    {
        echo "# wall seconds $((t1 - t0)); machine $(machine)"
        echo "# $1: paper rows from $P; ours: 1998 model $M98, modern model ${MMOD:-none}, distortion-trained model ${MDIST:-none}; revision $rev"
        echo "# command: $CMDLINE"
        [ "$QUICK" = 1 ] && echo "# QUICK=1: the models are QUICK runs (make reproduce QUICK=1)"
        printf 'label\tvalue\tours\n'
        experiments/col.sh "$P" figure series value |
            awk -F'\t' -v fig="$1" '$1 == fig { printf "%s\t%s\t0\n", $2, $3 }'
        printf 'LeNet-5 1998 (this reproduction)\t%s\t1\n' "$3"
        [ -n "$4" ] && printf 'modern variant (this reproduction)\t%s\t1\n' "$4"
        [ -n "${5:-}" ] && printf '[dist] LeNet-5 1998 (this reproduction)\t%s\t1\n' "$5"
        true
    } > "$f"
}
write fig9 percent "$e98" "$emod" "$edist"
write fig11 kMAC "$(echo "$mac98" | awk '{ print $1 / 1000 }')" "$(echo "$macmod" | awk '{ print $1 / 1000 }')"
write fig12 kvars "$(echo "$par98" | awk '{ print $1 / 1000 }')" "$(echo "$parmod" | awk '{ print $1 / 1000 }')"
plot fig9; plot fig11; plot fig12
