#!/bin/bash
# fig6.sh: Figure 6 (Sec. III-C), training and test error after 20 passes against the size
# of the training set (15,000 / 30,000 / 60,000 originals), plus the point trained on
# 60,000 originals + 540,000 distorted copies (lenet98 train --distort), beside the paper's.
#
#   experiments/fig6.sh             every run (at most JOBS=2 at once), then collect
#   experiments/fig6.sh runs        the names of the runs (for the Makefile)
#   experiments/fig6.sh run NAME    one run (make -j2 fig6 runs two at a time)
#   experiments/fig6.sh collect     figures/fig6.dat from the runs, then the plot
#
# Environment: QUICK=1 (2 passes on 1,500 / 3,000 / 5,000 patterns: a pipeline check, well
# under a minute), TRAIN_FLAGS (extra flags for every `lenet98 train`, e.g. --eta-scale 0.1),
# SEED (default 1), B (build directory, default build), JOBS (default 2), FORCE=1 (retrain).
# A run is reused when its model and log exist and it was made by the same command; an
# interrupted run (its checkpoint exists) is resumed. Runs live in $B/runs/fig6/.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
TRAIN_FLAGS=${TRAIN_FLAGS:-}
if [ "${QUICK:-0}" = 1 ]; then
    PASSES=2; SIZES="1500 3000 5000"; MODE=quick
else
    PASSES=20; SIZES="15000 30000 60000"; MODE=full
fi
DIST_SIZE=${SIZES##* }
RUNS=$(for n in $SIZES; do printf '%s-n%s ' "$MODE" "$n"; done; printf '%s-dist%s' "$MODE" "$DIST_SIZE")
DIR=$B/runs/fig6

# the train flags of run NAME
train_flags() {
    case $1 in
    *-dist*) n=${1##*-dist}; extra=--distort ;;
    *-n*) n=${1##*-n}; extra= ;;
    *) echo "fig6.sh: unknown run '$1' (runs: $RUNS)" >&2; return 2 ;;
    esac
    echo "--seed $SEED --passes $PASSES --train-size $n $extra $TRAIN_FLAGS" | tr -s ' '
}

# one run through the shared run cache (experiments/train-run.sh): the 60,000-pattern run
# is the same training as Figure 5's and is trained once
run_one() {
    local name=$1 flags
    flags=$(train_flags "$name") || return 2
    mkdir -p "$DIR"
    echo "lenet98 train $flags" > "$DIR/$name.cmd"
    # shellcheck disable=SC2086 # flags is a list of flags
    LINK=$DIR/$name DATA=data LENET98=$B/lenet98 experiments/train-run.sh $flags > /dev/null
}

collect() {
    local dat=figures/fig6.dat tmp=figures/fig6.dat.tmp rev
    rev=$(cat "$B/revision" 2>/dev/null || echo unknown)
    mkdir -p figures
    {
        echo "# Figure 6: error after $PASSES passes vs training-set size; mode $MODE" \
             "(QUICK=${QUICK:-0}), seed $SEED, TRAIN_FLAGS='$TRAIN_FLAGS'; written at revision $rev"
        echo "# train_err: the end-of-pass network on its N original training patterns;" \
             "test_err: on the 10,000 test patterns; percent"
        for name in $RUNS; do
            echo "# $name: $(cat "$DIR/$name.cmd") ($(grep -m1 '^# revision' "$DIR/$name.bin.log.tsv" | cut -c3-))"
        done
        for block in plain distorted; do
            echo "# index $([ $block = plain ] && echo 0 || echo 1): ours, $block"
            echo "# size_thousands	train_err	test_err	passes	run"
            for name in $RUNS; do
                case $name in *-dist*) [ $block = distorted ] || continue ;;
                               *) [ $block = plain ] || continue ;; esac
                n=$(sed 's/.*--train-size \([0-9]*\).*/\1/' "$DIR/$name.cmd")
                last=$(grep -v '^#' "$DIR/$name.bin.log.tsv" | tail -1)
                printf '%s\t%s\t%s\t%s\t%s\n' "$(awk "BEGIN{print $n/1000}")" \
                    "$(echo "$last" | cut -f7)" "$(echo "$last" | cut -f8)" \
                    "$(echo "$last" | cut -f1)" "$name"
            done
            printf '\n\n'
        done
        echo "# index 2: the paper (experiments/paper/results-1998.tsv, fig6), no distortions"
        echo "# size_thousands	train_err	test_err"
        awk -F'\t' '$1=="fig6" && $2=="train" {tr[$3]=$4} $1=="fig6" && $2=="test" {te[$3]=$4}
                    END {for (x in te) print x "\t" tr[x] "\t" te[x]}' \
            experiments/paper/results-1998.tsv | sort -n
        printf '\n\n'
        echo "# index 3: the paper, 60,000 + 540,000 distorted (digitised; printed 0.8%)"
        echo "# size_thousands	train_err	test_err"
        awk -F'\t' '$1=="fig6" && $2=="test_dist" {print $3 "\tNaN\t" $4}' \
            experiments/paper/results-1998.tsv
    } > "$tmp" && mv "$tmp" "$dat" || return 1
    echo "fig6: wrote $dat" >&2
    gnuplot figures/fig6.gp && echo "fig6: wrote figures/fig6.png, figures/fig6.svg" >&2
}

case ${1:-all} in
runs) echo "$RUNS" ;;
run) [ $# -eq 2 ] || { echo "usage: fig6.sh run NAME" >&2; exit 2; }; run_one "$2" ;;
collect) collect ;;
all)
    [ -x "$B/lenet98" ] || { echo "fig6.sh: $B/lenet98 missing (make)" >&2; exit 1; }
    status=0; running=0
    for name in $RUNS; do
        if [ $running -ge "$JOBS" ]; then wait -n || status=1; running=$((running - 1)); fi
        run_one "$name" & running=$((running + 1))
    done
    while [ $running -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done
    [ $status -eq 0 ] || { echo "fig6.sh: a run failed" >&2; exit 1; }
    collect ;;
-h|--help) sed -n '2,17p' "$0" | cut -c3- ;;
*) echo "usage: fig6.sh [runs | run NAME | collect]" >&2; exit 2 ;;
esac
