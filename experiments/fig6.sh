#!/bin/sh
# fig6.sh [jobs|collect]: Figure 6 (Sec. III-C), training and test error after 20 passes
# against the size of the training set (15,000 / 30,000 / 60,000 originals), plus the point
# trained on 60,000 originals + 540,000 distorted copies (lenet98 train --distort), beside
# the paper's, each for seeds 1..HSEEDS (default 5; figlib.sh): the points are the means,
# with error bars of +-1 sd over the seeds. QUICK=1: 2 passes on 1,500 / 3,000 / 5,000
# patterns, 2 seeds, a pipeline check.
#   fig6.sh jobs      its runs, as job-list lines (experiments/jobs.sh)
#   fig6.sh collect   FIGDIR/fig6.dat and FIGDIR/fig6-seeds.tsv (each point by seed, mean,
#                     sd, sigmas from the paper's) from the runs' logs, then FIGDIR/fig6.png, .svg
#   fig6.sh           trains what is missing (jobs.sh run fig6), then collect
# Evaluation: a point of Figure 6 is the error after the last pass, so the runs evaluate only
# then (--eval last), except the largest plain size: that run is Figure 5's (every pass
# evaluated, --eval all), trained once for both figures.
# Environment: TRAIN_FLAGS (extra flags for every run, e.g. --eta-scale 0.1), HSEEDS.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
TRAIN_FLAGS=${TRAIN_FLAGS:-}
if [ "$QUICK" = 1 ]; then PASSES=2; SIZES="1500 3000 5000"; else PASSES=20; SIZES="15000 30000 60000"; fi
LARGEST=${SIZES##* }
POINTS=$(for n in $SIZES; do printf 'n%s ' "$n"; done; printf 'dist%s' "$LARGEST")
NAMES=$(for p in $POINTS; do for s in $(seeds); do printf 'fig6/%s/s%s ' "$p" "$s"; done; done)

jobs() {
    for s in $(seeds); do
        for n in $SIZES; do
            ev=last; [ "$n" = "$LARGEST" ] && ev=all
            # the flags of the largest size are Figure 5's map run's of the same seed, the same run
            echo "fig6/n$n/s$s lenet98 train --loss map --seed $s --passes $PASSES --train-size $n $TRAIN_FLAGS --eval $ev" | tr -s ' '
        done
        echo "fig6/dist$LARGEST/s$s lenet98 train --seed $s --passes $PASSES --train-size $LARGEST --distort $TRAIN_FLAGS --eval last" | tr -s ' '
    done
}
# last POINT COLUMN: COLUMN after the last pass of every seed of POINT, space separated
last() { for s in $(seeds); do experiments/col.sh "$(run fig6 "fig6/$1/s$s").log.tsv" "$2" | tail -1; done | tr '\n' ' '; }

collect() {
    dat=$FIGDIR/fig6.dat tmp=$FIGDIR/fig6.dat.tmp
    rev=$(cat "$B/revision" 2>/dev/null || echo unknown)
    for name in $NAMES; do need "$(run fig6 "$name").log.tsv"; done
    {
        echo "# Figure 6: error after $PASSES passes vs training-set size (QUICK=$QUICK), seeds 1..$HSEEDS," \
             "TRAIN_FLAGS='$TRAIN_FLAGS'; written at revision $rev"
        echo "# command: make reproduce$(quick_note) (experiments/fig6.sh)"
        echo "# train_err: the end-of-pass network on its N original training patterns;" \
             "test_err: on the 10,000 test patterns; percent; the mean over the seeds, *_sd their sample sd (GSL);" \
             "run: the seed-1 run; flag: chance = a seed ended at chance level"
        for name in $NAMES; do
            log=$(run fig6 "$name").log.tsv
            b=$(run fig6 "$name")
            # the run's command (its job line) and the revision that trained it
            echo "# $name: $(cut -d' ' -f3- "$b.job") ($(grep -m1 '^# revision' "$b.log.tsv" | cut -c3-))"
            echo "# $name settings: $(sed -n 's/^# lenet98 train: //p' "$b.log.tsv")"
        done
        for block in plain distorted; do
            echo "# index $([ $block = plain ] && echo 0 || echo 1): ours, $block"
            echo "# size_thousands	train_err	test_err	passes	run	flag	train_sd	test_sd	seeds"
            for pt in $POINTS; do
                case $pt in dist*) [ $block = distorted ] || continue ;;
                            *) [ $block = plain ] || continue ;; esac
                log=$(run fig6 "fig6/$pt/s1").log.tsv
                n=$(sed -n 's/^# lenet98 train: .*train_size=\([0-9]*\).*/\1/p' "$log")
                p=$(experiments/col.sh "$log" pass | tail -1)
                fl=-
                for s in $(seeds); do
                    te=$(experiments/col.sh "$(run fig6 "fig6/$pt/s$s").log.tsv" test_err | tail -1)
                    [ "$(chance "fig6/$pt/s$s" "$te")" = chance ] && fl=chance
                done
                tr=$(last "$pt" train_err | tr ' ' '\n' | meansd) te=$(last "$pt" test_err | tr ' ' '\n' | meansd)
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(awk "BEGIN{print $n/1000}")" \
                    "$(echo "$tr" | cut -f2)" "$(echo "$te" | cut -f2)" "$p" "fig6/$pt/s1" "$fl" \
                    "$(echo "$tr" | cut -f3)" "$(echo "$te" | cut -f3)" "$(echo "$te" | cut -f1)"
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
    # every point over the seeds, beside the paper's
    {
        for n in $SIZES; do
            k=$((n / 1000))
            seedrow "Fig. 6: test error, $n patterns" "$(paperval fig6 test "$k")" $(last "n$n" test_err)
            seedrow "Fig. 6: training error, $n patterns" "$(paperval fig6 train "$k")" $(last "n$n" train_err)
        done
        seedrow "Distortions: test error, $LARGEST + $((9 * LARGEST)) distorted" "$( [ "$LARGEST" = 60000 ] && paperval fig6 text_test_dist 60 || echo -)" $(last "dist$LARGEST" test_err)
    } | seedtsv "$FIGDIR/fig6-seeds.tsv" "Figure 6's points after $PASSES passes" fig6.sh "$(run fig6 "fig6/n$LARGEST/s1").log.tsv"
    plot fig6
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run fig6; collect ;;
*) echo "usage: fig6.sh [jobs|collect]" >&2; exit 2 ;;
esac
