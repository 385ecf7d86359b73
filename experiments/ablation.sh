#!/bin/sh
# ablation.sh [jobs|collect]: what each 1998 choice is worth. The road from 1998 to today:
# start from LeNet-5 as published and change one element at a time to its modern
# counterpart, cumulatively, ending at the modern variant:
#   lenet5   the 1998 net: sub-sampling, Table I, RBF output + MAP loss (Eq. 9), scaled
#            tanh, input -0.1/1.175, +-2.4/F_i init, SDLM (SDLM_FLAGS added)
#   a-linear (a) RBF output + MAP loss -> linear 84->10 output + softmax cross-entropy
#   b-sgd    (b) SDLM -> mini-batch SGD (momentum 0.9, batch 64, cosine) at B_LR, the rate
#            step (b)'s own validation sweep chose (experiments/validation.sh); the steps
#            after it keep SGD's default rate (SGD_LR, 0.1 since numerics 5), the modern
#            variant's validation choice
#   c-max    (c) trainable sigmoid sub-sampling -> max-pool
#   d-full   (d) C3 Table I -> full connection
#   e-tanh   (e) scaled tanh + input -0.1/1.175 -> plain tanh + input [0,1]
#   modern   (f) +-2.4/F_i init -> PyTorch's default init: this is --arch modern
# SINGLE=1 adds each change alone from the 1998 net (the table only, not the figure):
#   only-b   SDLM -> per-pattern SGD, batch 1, no momentum, lr 0.001 constant (the rate the
#            spec sheet measured to learn; not swept), RBF output + MAP kept
#   only-c, only-d, only-e, only-f as (c)..(f) alone, with SDLM; (a) alone is a-linear.
# Each for SEEDS seeds (default 3; seed s = 1..SEEDS, the same seeds for every step),
# 20 passes over 60,000 patterns (QUICK=1: 2 passes over 5,000, 1 seed).
#   ablation.sh jobs | collect | (nothing: train what is missing, then collect)
# Evaluation: a step is its errors after the last pass, so its runs evaluate only then
# (--eval last), except seed 1 of lenet5 and modern: those are experiments/modern.sh's runs
# (every pass evaluated, --eval all), trained once for both.
# Writes FIGDIR/ablation.tsv (mean and sd of the final test error by step; GSL via
# build/stats; flag: chance = some seed ended at chance level), FIGDIR/ablation.dat and, from
# the static figures/ablation.gp, FIGDIR/ablation.png.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
SDLM_FLAGS=${SDLM_FLAGS:-}
if [ "$QUICK" = 1 ]; then PASSES=2; TRAIN=5000; SEEDS=${SEEDS:-1}; else PASSES=20; TRAIN=60000; SEEDS=${SEEDS:-3}; fi
REV=$(cat "$B/revision" 2>/dev/null || echo unknown)
case $SEEDS in ''|*[!0-9]*|0) echo "ablation.sh: SEEDS='$SEEDS' is not a positive integer" >&2; exit 2 ;; esac
STATS=${STATS:-build/stats}
[ -x "$STATS" ] || { echo "ablation.sh: $STATS: not built (make)" >&2; exit 1; }

T="pool=subsample,c3=table"
# step (b)'s rate: the lowest validation error of step (b) over lr 0.01, 0.03, 0.1, 0.3
# (experiments/validation.sh, figures/validation.tsv)
B_LR=0.03
# step name | arch | optimiser and init flags | what changed
STEPS="lenet5|lenet5|SDLM|the 1998 network (SDLM, MAP loss, +-2.4/F_i init)
a-linear|$T,out=linear,squash=scaled,input=paper|SDLM|(a) RBF + MAP -> linear + softmax CE
b-sgd|$T,out=linear,squash=scaled,input=paper|--optimizer sgd --lr $B_LR|(b) SDLM -> SGD momentum, batch 64
c-max|pool=max,c3=table,out=linear,squash=scaled,input=paper|--optimizer sgd|(c) sub-sampling -> max-pool
d-full|pool=max,c3=full,out=linear,squash=scaled,input=paper|--optimizer sgd|(d) C3 Table I -> full
e-tanh|pool=max,c3=full,out=linear,squash=tanh,input=unit|--optimizer sgd --init paper|(e) scaled tanh, -0.1/1.175 -> tanh, [0,1]
modern|modern||(f) +-2.4/F_i -> PyTorch init = modern"
if [ "${SINGLE:-0}" = 1 ]; then
    STEPS="$STEPS
only-b|lenet5|--optimizer sgd --batch 1 --momentum 0 --lr 0.001 --schedule const|alone: (b) SDLM -> SGD batch 1, lr 0.001
only-c|pool=max,c3=table,out=rbf,squash=scaled,input=paper|SDLM|alone: (c) max-pool
only-d|pool=subsample,c3=full,out=rbf,squash=scaled,input=paper|SDLM|alone: (d) full C3
only-e|pool=subsample,c3=table,out=rbf,squash=tanh,input=unit|SDLM|alone: (e) tanh, [0,1]
only-f|lenet5|SDLM --init torch|alone: (f) PyTorch init"
fi

jobs() {
    echo "$STEPS" | while IFS='|' read -r name arch flags what; do
        case $flags in SDLM*) flags="$SDLM_FLAGS${flags#SDLM}" ;; esac
        s=1
        while [ "$s" -le "$SEEDS" ]; do
            ev=last
            [ "$s" = 1 ] && { [ "$name" = lenet5 ] || [ "$name" = modern ]; } && ev=all
            a="--arch $arch"; [ "$arch" = lenet5 ] && a=""
            echo "ablation/$name/s$s lenet98 train --passes $PASSES --train-size $TRAIN --seed $s $a $flags --eval $ev" | tr -s ' '
            s=$((s + 1))
        done
    done
}

collect() {
    TSV=$FIGDIR/ablation.tsv DAT=$FIGDIR/ablation.dat
    {
        printf '# ablation.tsv: from the 1998 LeNet-5 to the modern variant, one element at a time (cumulative); %s passes over %s patterns; seeds 1..%s; revision %s\n' "$PASSES" "$TRAIN" "$SEEDS" "$REV"
        printf '# command: make reproduce%s (experiments/ablation.sh)\n' "$(quick_note)"
        printf '# errors in percent after the last pass; sd: sample standard deviation over the seeds (0 for one seed); SDLM_FLAGS=%s; flag: chance = a seed ended at chance level (test error >= 80%%)\n' "$SDLM_FLAGS"
        printf 'step\tname\tchange\tseeds\ttest_mean\ttest_sd\ttrain_mean\ttrain_sd\ttest_by_seed\tflag\tsettings(seed 1)\n'
    } > "$TSV"
    printf '# ablation.dat: mean and sd of the final test error by step (%s passes over %s patterns, seeds 1..%s); revision %s\n# step\tname\ttest_mean\ttest_sd\n' "$PASSES" "$TRAIN" "$SEEDS" "$REV" > "$DAT"
    i=0
    echo "$STEPS" | while IFS='|' read -r name arch flags what; do
        te='' tr='' flag=- set1=''
        s=1
        while [ "$s" -le "$SEEDS" ]; do
            b=$(run ablation "ablation/$name/s$s")
            if [ -f "$b.bin" ] && [ -f "$b.log.tsv" ]; then
                last=$(experiments/col.sh "$b.log.tsv" test_err train_err | tail -1)
                e=$(echo "$last" | cut -f1)
                te="$te $e"; tr="$tr $(echo "$last" | cut -f2)"
                [ "$(chance "ablation/$name/s$s" "$e")" = chance ] && flag=chance
                [ "$s" = 1 ] && set1=$(sed -n 's/^# lenet98 train: //p' "$b.log.tsv")
            fi
            s=$((s + 1))
        done
        if [ -n "$te" ]; then
            st=$(echo "$te" | "$STATS"); sr=$(echo "$tr" | "$STATS")
            n=$(echo "$st" | cut -f1); tm=$(echo "$st" | cut -f2); tsd=$(echo "$st" | cut -f3)
            rm_=$(echo "$sr" | cut -f2); rsd=$(echo "$sr" | cut -f3)
        else
            n=0 tm=NaN tsd=NaN rm_=NaN rsd=NaN
        fi
        by=$(echo $te | tr ' ' ',')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$name" "$what" "$n" "$tm" "$tsd" "$rm_" "$rsd" "${by:--}" "$flag" "$set1" >> "$TSV"
        case $name in only-*) ;; *) printf '%s\t%s\t%s\t%s\n' "$i" "$name" "$tm" "$tsd" >> "$DAT" ;; esac
        i=$((i + 1))
    done
    plot ablation
    cut -f1-10 "$TSV"
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run ablation || echo "ablation.sh: some training runs failed; their steps show n < $SEEDS" >&2; collect ;;
*) echo "usage: ablation.sh [jobs|collect]" >&2; exit 2 ;;
esac
