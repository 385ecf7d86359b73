#!/bin/sh
# fig6.sh [jobs|collect]: Figure 6 (Sec. III-C), training and test error after 20 passes
# against the size of the training set (15,000 / 30,000 / 60,000 originals), plus the point
# trained on 60,000 originals + 540,000 distorted copies (lenet98 train --distort), beside
# the paper's. QUICK=1: 2 passes on 1,500 / 3,000 / 5,000 patterns, a pipeline check.
#   fig6.sh jobs      its runs, as job-list lines (experiments/jobs.sh)
#   fig6.sh collect   FIGDIR/fig6.dat from the runs' logs, then FIGDIR/fig6.png, .svg
#   fig6.sh           trains what is missing (jobs.sh run fig6), then collect
# Evaluation: a point of Figure 6 is the error after the last pass, so the runs evaluate only
# then (--eval last), except the largest plain size: that run is Figure 5's (every pass
# evaluated, --eval all), trained once for both figures.
# Environment: TRAIN_FLAGS (extra flags for every run, e.g. --eta-scale 0.1), SEED (default 1).
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
SEED=${SEED:-1}
TRAIN_FLAGS=${TRAIN_FLAGS:-}
if [ "$QUICK" = 1 ]; then PASSES=2; SIZES="1500 3000 5000"; else PASSES=20; SIZES="15000 30000 60000"; fi
LARGEST=${SIZES##* }
NAMES=$(for n in $SIZES; do printf 'fig6/n%s/s%s ' "$n" "$SEED"; done; printf 'fig6/dist%s/s%s' "$LARGEST" "$SEED")

jobs() {
    for n in $SIZES; do
        ev=last; [ "$n" = "$LARGEST" ] && ev=all
        # the flags of the largest size are Figure 5's map run's, in the same order
        echo "fig6/n$n/s$SEED lenet98 train --loss map --seed $SEED --passes $PASSES --train-size $n $TRAIN_FLAGS --eval $ev" | tr -s ' '
    done
    echo "fig6/dist$LARGEST/s$SEED lenet98 train --seed $SEED --passes $PASSES --train-size $LARGEST --distort $TRAIN_FLAGS --eval last" | tr -s ' '
}

collect() {
    dat=$FIGDIR/fig6.dat tmp=$FIGDIR/fig6.dat.tmp
    rev=$(cat "$B/revision" 2>/dev/null || echo unknown)
    for name in $NAMES; do need "$(run fig6 "$name").log.tsv"; done
    {
        echo "# Figure 6: error after $PASSES passes vs training-set size (QUICK=$QUICK), seed $SEED," \
             "TRAIN_FLAGS='$TRAIN_FLAGS'; written at revision $rev"
        echo "# command: make reproduce$(quick_note) (experiments/fig6.sh)"
        echo "# train_err: the end-of-pass network on its N original training patterns;" \
             "test_err: on the 10,000 test patterns; percent; flag: chance = ended at chance level"
        for name in $NAMES; do
            log=$(run fig6 "$name").log.tsv
            b=$(run fig6 "$name")
            # the run's command (its job line) and the revision that trained it
            echo "# $name: $(cut -d' ' -f3- "$b.job") ($(grep -m1 '^# revision' "$b.log.tsv" | cut -c3-))"
            echo "# $name settings: $(sed -n 's/^# lenet98 train: //p' "$b.log.tsv")"
        done
        for block in plain distorted; do
            echo "# index $([ $block = plain ] && echo 0 || echo 1): ours, $block"
            echo "# size_thousands	train_err	test_err	passes	run	flag"
            for name in $NAMES; do
                case $name in fig6/dist*) [ $block = distorted ] || continue ;;
                              *) [ $block = plain ] || continue ;; esac
                log=$(run fig6 "$name").log.tsv
                n=$(sed -n 's/^# lenet98 train: .*train_size=\([0-9]*\).*/\1/p' "$log")
                experiments/col.sh "$log" train_err test_err pass | tail -1 |
                    while IFS='	' read -r tr te p; do
                        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(awk "BEGIN{print $n/1000}")" "$tr" "$te" "$p" "$name" "$(chance "$name" "$te")"
                    done
            done
            printf '\n\n'
        done
        echo "# index 2: the paper (experiments/paper/results-1998.tsv, fig6), no distortions"
        echo "# size_thousands	train_err	test_err"
        experiments/col.sh experiments/paper/results-1998.tsv figure series x value |
            awk -F'\t' '$1=="fig6" && $2=="train" {tr[$3]=$4} $1=="fig6" && $2=="test" {te[$3]=$4}
                    END {for (x in te) print x "\t" tr[x] "\t" te[x]}' | sort -n
        printf '\n\n'
        echo "# index 3: the paper, 60,000 + 540,000 distorted (digitised; printed 0.8%)"
        echo "# size_thousands	train_err	test_err"
        experiments/col.sh experiments/paper/results-1998.tsv figure series x value |
            awk -F'\t' '$1=="fig6" && $2=="test_dist" {print $3 "\tNaN\t" $4}'
    } > "$tmp"
    mv "$tmp" "$dat"
    plot fig6
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run fig6; collect ;;
*) echo "usage: fig6.sh [jobs|collect]" >&2; exit 2 ;;
esac
