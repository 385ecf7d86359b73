#!/bin/sh
# modern.sh [jobs|collect]: the 1998 LeNet-5 and the modern variant side by side. Trains both
# for 20 passes over the 60,000 training patterns from the same seed (SEED, default 1): the
# 1998 net with its defaults (SDLM, MAP loss, paper init; SDLM_FLAGS added), the modern net
# with its defaults (SGD lr 0.1, momentum 0.9, batch 64, cosine; torch init). QUICK=1: 2
# passes over 5,000 patterns. experiments/ablation.sh reuses both runs (its step lenet5 and
# modern, seed 1).
#   modern.sh jobs | collect | (nothing: train what is missing, then collect)
# Writes FIGDIR/modern.tsv (per net: parameters, connections, multiply-adds per image,
# training patterns/s, seconds, final errors, chance flag), FIGDIR/modern.dat (errors per
# pass) and, from the static figures/modern.gp, FIGDIR/modern.png.
# Evaluation: modern.png plots the errors of every pass, so both runs evaluate every pass
# (--eval all).
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
SEED=${SEED:-1}
SDLM_FLAGS=${SDLM_FLAGS:-}
if [ "$QUICK" = 1 ]; then PASSES=2; TRAIN=5000; else PASSES=20; TRAIN=60000; fi
REV=$(cat "$B/revision" 2>/dev/null || echo unknown)

jobs() {
    echo "modern/lenet5/s$SEED lenet98 train --passes $PASSES --train-size $TRAIN --seed $SEED $SDLM_FLAGS --eval all" | tr -s ' '
    echo "modern/modern/s$SEED lenet98 train --passes $PASSES --train-size $TRAIN --seed $SEED --arch modern --eval all"
}

collect() {
    lg() { echo "$(run modern "modern/$1/s$SEED").log.tsv"; }
    settings() { sed -n 's/^# lenet98 train: //p' "$(lg "$1")"; }
    for n in lenet5 modern; do need "$(lg $n)"; done
    TSV=$FIGDIR/modern.tsv DAT=$FIGDIR/modern.dat
    {
        printf '# modern.tsv: the 1998 LeNet-5 and the modern variant, %s passes over %s patterns, seed %s; revision %s\n' "$PASSES" "$TRAIN" "$SEED" "$REV"
        printf '# command: make reproduce%s (experiments/modern.sh)\n' "$(quick_note)"
        for n in lenet5 modern; do printf '# %s: %s\n' "$n" "$(settings $n)"; done
        printf '# mult_adds: per image, forward (lenet98 info); patterns_per_s: training only (train_seconds: the passes without the end-of-pass evaluations), one core while the other net trains on the other; flag: chance = ended at chance level\n'
        printf 'net\tparameters\tconnections\tmult_adds\tpatterns_per_s\ttrain_seconds\tseconds\ttest_err\ttrain_err\tflag\n'
        for n in lenet5 modern; do
            "$LENET98" info --arch "$n" --tsv > "$FIGDIR/modern.info.tmp"
            counts=$(experiments/col.sh "$FIGDIR/modern.info.tmp" layer params connections mult_adds |
                     awk -F'\t' '$1 == "total" { print $2 "\t" $3 "\t" $4 }')
            rm -f "$FIGDIR/modern.info.tmp"
            te=$(experiments/col.sh "$(lg $n)" test_err | tail -1)
            experiments/col.sh "$(lg $n)" train_seconds seconds test_err train_err |
                awk -F'\t' -v n="$n" -v c="$counts" -v N="$TRAIN" -v f="$(chance "modern/$n/s$SEED" "$te")" '
                { ts += $1; s += $2; te = $3; tr = $4; p++ }
                END { printf "%s\t%s\t%.0f\t%.1f\t%.1f\t%.2f\t%.3f\t%s\n", n, c, p * N / ts, ts, s, te, tr, f }'
        done
    } > "$TSV"
    {
        printf '# modern.dat: error per pass (percent), %s passes over %s patterns, seed %s; revision %s\n' "$PASSES" "$TRAIN" "$SEED" "$REV"
        printf '# index 0: lenet5 (%s)\n# index 1: modern (%s)\n' "$(settings lenet5)" "$(settings modern)"
        printf '# pass\totf_train_err\ttrain_err\ttest_err\n'
        experiments/col.sh "$(lg lenet5)" pass otf_train_err train_err test_err
        printf '\n\n'
        experiments/col.sh "$(lg modern)" pass otf_train_err train_err test_err
    } > "$DAT"
    plot modern
    cat "$TSV"
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run modern; collect ;;
*) echo "usage: modern.sh [jobs|collect]" >&2; exit 2 ;;
esac
