#!/bin/sh
# fig5.sh [jobs|collect]: Figure 5. LeNet-5 as published (Eq. 9, 20 passes over 60,000
# patterns; QUICK=1: 2 passes over 5,000) and the same with Eq. 8, each for seeds 1..HSEEDS
# (default 5; QUICK=1: 2; figlib.sh).
#   fig5.sh jobs      its runs, as job-list lines (experiments/jobs.sh)
#   fig5.sh collect   FIGDIR/fig5.dat (per pass: the mean and sd over the seeds of each error,
#                     then the paper's digitised curves), FIGDIR/fig5-seeds.tsv (each headline
#                     number by seed, mean, sd, and how many sd the paper's lies from our mean)
#                     from the runs' logs, and FIGDIR/fig5.png, .svg from figures/fig5.gp
#   fig5.sh           trains what is missing (jobs.sh run fig5), then collect
# Evaluation: Figure 5 plots the training and test error of every pass, so every run
# evaluates after every pass (--eval all). Extra flags for every run: FIG5_FLAGS.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then size="--passes 2 --train-size 5000"; else size=""; fi

jobs() {
    for s in $(seeds); do
        for loss in map mse; do
            echo "fig5/$loss/s$s lenet98 train --loss $loss --seed $s $size ${FIG5_FLAGS:-} --eval all" | tr -s ' '
        done
    done
}

# perpass LOSS COLUMN: per pass, "mean<TAB>sd" of COLUMN over the seeds' logs, one line a pass
perpass() {
    n=$(lastpass1 "$(run fig5 "fig5/$1/s1").log.tsv")
    p=1
    while [ "$p" -le "$n" ]; do
        for s in $(seeds); do
            experiments/col.sh "$(run fig5 "fig5/$1/s$s").log.tsv" pass "$2" | awk -F'\t' -v p="$p" '$1 == p { print $2 }'
        done | meansd | cut -f2,3
        p=$((p + 1))
    done
}
lastpass1() { experiments/col.sh "$1" pass | tail -1; }
# final LOSS COLUMN PASS: COLUMN at PASS of every seed's log, space separated
final() {
    for s in $(seeds); do
        experiments/col.sh "$(run fig5 "fig5/$1/s$s").log.tsv" pass "$2" | awk -F'\t' -v p="$3" '$1 == p { print $2 }'
    done | tr '\n' ' '
}

collect() {
    for s in $(seeds); do for l in map mse; do need "$(run fig5 "fig5/$l/s$s").log.tsv"; done; done
    map=$(run fig5 fig5/map/s1).log.tsv; mse=$(run fig5 fig5/mse/s1).log.tsv
    out=$FIGDIR/fig5.dat
    tmp=$out.tmp-$$
    {
        echo "# Figure 5 of LeCun et al. (1998), reproduced by lenet98: seeds 1..$HSEEDS."
        echo "# command: make reproduce$(quick_note) (experiments/fig5.sh)"
        grep '^# lenet98 train' "$map" | sed 's/^# /# map run, seed 1: /'
        grep '^# lenet98 train' "$mse" | sed 's/^# /# mse run, seed 1: /'
        grep '^# revision' "$map"
        echo "# machine: $(machine)"
        echo "# block 0: this reproduction, error in percent: the mean over seeds 1..$HSEEDS and its sample sd (GSL); eps of seed 1"
        echo "# pass	otf_train_map	otf_train_map_sd	test_map	test_map_sd	train_map	train_map_sd	otf_train_mse	otf_train_mse_sd	test_mse	test_mse_sd	train_mse	train_mse_sd	eps_min	eps_max"
        for l in map mse; do for c in otf_train_err test_err train_err; do perpass "$l" "$c" > "$tmp.$l.$c"; done; done
        experiments/col.sh "$map" pass eps_min eps_max > "$tmp.eps"
        paste "$tmp.map.otf_train_err" "$tmp.map.test_err" "$tmp.map.train_err" \
              "$tmp.mse.otf_train_err" "$tmp.mse.test_err" "$tmp.mse.train_err" > "$tmp.all"
        # the pass and eps columns of seed 1 beside the means, joined by line (pass 1.. in order)
        paste "$tmp.eps" "$tmp.all" | awk -F'\t' '{ printf "%s", $1; for (i = 4; i <= NF; i++) printf "\t%s", $i; printf "\t%s\t%s\n", $2, $3 }'
        rm -f "$tmp".map.* "$tmp".mse.* "$tmp.eps" "$tmp.all"
        printf '\n\n'
        echo "# block 1: the paper (experiments/paper/results-1998.tsv, fig5, digitised)"
        echo "# pass	train	test"
        # the paper's table, its columns by name (figure series x value)
        experiments/col.sh experiments/paper/results-1998.tsv figure series x value |
            awk -F'\t' '$1 == "fig5" && $2 == "train" {tr[$3] = $4} $1 == "fig5" && $2 == "test" {te[$3] = $4}
            END {for (i = 1; i <= 21; i++) if (i in tr) print i "\t" tr[i] "\t" te[i]}'
    } > "$tmp"
    mv "$tmp" "$out"
    for s in $(seeds); do for l in map mse; do
        chance "fig5/$l/s$s" "$(experiments/col.sh "$(run fig5 "fig5/$l/s$s").log.tsv" test_err | tail -1)" > /dev/null
    done; done
    # the headline numbers over the seeds
    lp=$(lastpass1 "$map"); lo=$((lp > 1 ? lp - 1 : 1))
    {
        seedrow "Fig. 5: test error after pass $lp (Eq. 9)" "$( [ "$lp" = 20 ] && paperval fig5 text_test_final || echo -)" $(final map test_err "$lp")
        seedrow "Fig. 5: on-the-fly training error, pass $lo (Eq. 9)" "$( [ "$lo" = 19 ] && paperval fig5 text_train_after_19 || echo -)" $(final map otf_train_err "$lo")
        seedrow "Fig. 5: on-the-fly training error, pass $lp (Eq. 9)" "-" $(final map otf_train_err "$lp")
        seedrow "Eq. 8 (MSE): test error after pass $lp" "-" $(final mse test_err "$lp")
        seedrow "Eq. 8 (MSE): on-the-fly training error, pass $lp" "-" $(final mse otf_train_err "$lp")
    } | seedtsv "$FIGDIR/fig5-seeds.tsv" "Figure 5's headline numbers" fig5.sh "$map"
    plot fig5
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run fig5; collect ;;
*) echo "usage: fig5.sh [jobs|collect]" >&2; exit 2 ;;
esac
