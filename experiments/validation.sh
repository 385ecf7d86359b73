#!/bin/sh
# validation.sh [jobs|collect]: the choices made on a validation split, never on the test set.
# The split: train on the first 50,000 patterns of the MNIST training file, validate on its
# last 10,000 (patterns 50,001..60,000; lenet98 train --valid 10000, which then never
# evaluates the test set). 20 passes, the error after the last pass, seeds 1..VSEEDS
# (default 2; QUICK=1: 2 passes over 4,000 + 1,000, 1 seed). Every run carries
# --stop-diverged.
#   modern/lrR    the modern variant, SGD at rate R (momentum 0.9, batch 64, cosine)
#   b-sgd/lrR     the ablation's step (b): the 1998 net with a linear output + softmax, SGD at R
#   lenet5        the 1998 net as trained for Figure 5: its rejection threshold (classify)
#   validation.sh jobs | collect | (nothing: train what is missing, then collect)
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then
    size="--passes 2 --train-size 4000 --valid 1000"; VSEEDS=${VSEEDS:-1}
else
    size="--valid 10000"; VSEEDS=${VSEEDS:-2}
fi
case $VSEEDS in ''|*[!0-9]*|0) echo "validation.sh: VSEEDS='$VSEEDS' is not a positive integer" >&2; exit 2 ;; esac
RATES=${RATES:-0.01 0.03 0.1 0.3}
B_ARCH="pool=subsample,c3=table,out=linear,squash=scaled,input=paper"

jobs() {
    s=1
    while [ "$s" -le "$VSEEDS" ]; do
        for r in $RATES; do
            echo "validation/modern/lr$r/s$s lenet98 train --arch modern --lr $r --seed $s $size --stop-diverged --eval last"
            echo "validation/b-sgd/lr$r/s$s lenet98 train --arch $B_ARCH --optimizer sgd --lr $r --seed $s $size --stop-diverged --eval last"
        done
        s=$((s + 1))
    done
    echo "validation/lenet5/s1 lenet98 train --loss map --seed 1 $size --stop-diverged --eval last"
}

collect() {
    echo "validation.sh collect: not written yet" >&2
    exit 1
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run validation; collect ;;
*) echo "usage: validation.sh [jobs|collect]" >&2; exit 2 ;;
esac
