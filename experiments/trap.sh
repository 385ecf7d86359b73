#!/bin/sh
# trap.sh [jobs|collect]: the SDLM trap (spec section 6; README "Choices and deviations"). The
# recipe as written (mu = 0.02 with the +-2.4/F_i init) diverges; this shows it, and the first
# passes of the alternatives we measured, beside the paper's Fig. 5 values and first-pass
# eps_k range. Writes FIGDIR/trap.tsv. Each run: seed 1, Eq. 9, 2 passes over 60,000 (QUICK=1:
# 1 pass over 5,000). The last row is our resolution, the default of lenet98 train: the
# published recipe with no eps_k above 0.001.
#   trap.sh jobs | collect | (nothing: train what is missing, then collect)
# Evaluation: the table shows the test error of every pass, so every pass is evaluated
# (--eval all). flag: chance = the run ended at chance level (expected for the literal recipe).
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then size="--passes 1 --train-size 5000"; else size="--passes 2"; fi
RUNS="literal:--eps-max 0|mu0.1:--eps-max 0 --mu 0.1|mu0.2:--eps-max 0 --mu 0.2|mu0.5:--eps-max 0 --mu 0.5|sqrt-init:--eps-max 0 --init sqrt|hessian-every-1000:--eps-max 0 --hessian-every 1000|resolution:--eps-max 0.001"

each() { # calls $1 NAME FLAGS for each run
    echo "$RUNS" | tr '|' '\n' | while IFS=: read -r name flags; do "$1" "$name" "$flags"; done
}
jobline() { echo "trap/$1/s1 lenet98 train --seed 1 --loss map $size $2 --eval all"; }
row() {
    log=$(run trap "trap/$1/s1").log.tsv
    need "$log"
    last=$(experiments/col.sh "$log" test_err | tail -1)
    flag=$(chance "trap/$1/s1" "$last")
    experiments/col.sh "$log" pass eps_min eps_median eps_max otf_train_err test_err |
        awk -v n="$1" -v f="$2" -v c="$flag" '{ print n "\t" f "\t" $0 "\t" c }'
}

collect() {
    out=$FIGDIR/trap.tsv
    tmp=$out.tmp-$$
    {
        echo "# The SDLM trap: first passes of LeNet-5 under readings of App. C (experiments/trap.sh)."
        echo "# command: make reproduce$(quick_note); every run: lenet98 train --seed 1 --loss map $size + the flags in column 2"
        echo "# revision $(cat "$B/revision" 2>/dev/null || echo unknown)"
        echo "# paper (Sec. III-B, Fig. 5): first-pass eps_k 7e-5 .. 0.016; pass 1: on-the-fly training error 4.89%, test 2.67%; pass 2: 3.06%, 2.24%"
        echo "# flag: chance = the run ended at chance level (test error >= 80%)"
        printf 'run\tflags\tpass\teps_min\teps_median\teps_max\totf_train_err\ttest_err\tflag\n'
        each row
    } > "$tmp"
    mv "$tmp" "$out"
    grep -v "^#" "$out" >&2
}

case ${1:-all} in
jobs) each jobline ;;
collect) collect ;;
all) experiments/jobs.sh run trap; collect ;;
*) echo "usage: trap.sh [jobs|collect]" >&2; exit 2 ;;
esac
