#!/bin/sh
# readings.sh [jobs|collect]: the readings of Appendix C measured against the paper's Figure 5.
# Each reading is a plausible account of what the paper did, trained as Figure 5 is (Eq. 9,
# 20 passes over 60,000 patterns, every pass evaluated) for seeds 1..RSEEDS (default 3;
# QUICK=1: 2 passes over 5,000, 1 seed). A reading without a step-size cap may diverge: its
# runs carry --stop-diverged (stopped after a pass whose on-the-fly training error is 80% or
# more) and the reading is reported as diverged, never averaged in.
#   name             flags                          what
#   default          (Figure 5's runs)              +-2.4/F_i, summed sub-sampling, eps_k <= 0.001
#   as-written       --eps-max 0                    the recipe as written: no cap
#   mu-0.2, mu-0.5   --eps-max 0 --mu X             a larger mu instead of the cap
#   sqrt             --init sqrt                    +-2.4/sqrt(F_i), with the cap
#   sqrt-nocap       --init sqrt --eps-max 0        the same without the cap
#   average          --arch pool=average            Sec. II-A's averaged sub-sampling, cap
#   average-nocap    ... --eps-max 0                the same without the cap
#   every1000-nocap  --hessian-every 1000 --eps-max 0   h_kk re-estimated every 1,000 patterns
#   block            --hkk-subsample block          the block's sum as the coefficients' input (Eq. 23)
#   readings.sh jobs | collect | (nothing: train what is missing, then collect)
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then size="--passes 2 --train-size 5000"; RSEEDS=${RSEEDS:-1}; else size=""; RSEEDS=${RSEEDS:-3}; fi
case $RSEEDS in ''|*[!0-9]*|0) echo "readings.sh: RSEEDS='$RSEEDS' is not a positive integer" >&2; exit 2 ;; esac
D="--stop-diverged"
# name | flags | what
READINGS="default||+-2.4/F_i, summed, eps_k <= 0.001 (lenet98's default; Fig. 5's runs)
as-written|--eps-max 0 $D|no cap: Appendix C as written
mu-0.2|--eps-max 0 --mu 0.2 $D|no cap, mu = 0.2
mu-0.5|--eps-max 0 --mu 0.5 $D|no cap, mu = 0.5
sqrt|--init sqrt|+-2.4/sqrt(F_i), cap
sqrt-nocap|--init sqrt --eps-max 0 $D|+-2.4/sqrt(F_i), no cap
average|--arch pool=average|averaged sub-sampling (Sec. II-A), cap
average-nocap|--arch pool=average --eps-max 0 $D|averaged sub-sampling, no cap
every1000-nocap|--hessian-every 1000 --eps-max 0 $D|h_kk every 1,000 patterns, no cap
block|--hkk-subsample block|h_kk of s2c, s4c from the block's sum (Eq. 23's other reading), cap"

jobs() {
    echo "$READINGS" | while IFS='|' read -r name flags what; do
        s=1
        while [ "$s" -le "$RSEEDS" ]; do
            # the default reading's flags are Figure 5's (experiments/fig5.sh): the same runs
            echo "readings/$name/s$s lenet98 train --loss map --seed $s $size $flags --eval all" | tr -s ' '
            s=$((s + 1))
        done
    done
}

collect() {
    echo "readings.sh collect: not written yet" >&2
    exit 1
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run readings; collect ;;
*) echo "usage: readings.sh [jobs|collect]" >&2; exit 2 ;;
esac
