#!/bin/sh
# fig5.sh [jobs|collect]: Figure 5. LeNet-5 as published (seed 1, Eq. 9, 20 passes over 60,000
# patterns; QUICK=1: 2 passes over 5,000) and the same with Eq. 8.
#   fig5.sh jobs      its two runs, as job-list lines (experiments/jobs.sh)
#   fig5.sh collect   FIGDIR/fig5.dat (ours, then the paper's digitised curves) from the runs'
#                     logs, and FIGDIR/fig5.png, .svg from the static figures/fig5.gp
#   fig5.sh           trains what is missing (jobs.sh run fig5), then collect
# Evaluation: Figure 5 plots the training and test error of every pass, so both runs
# evaluate after every pass (--eval all). Extra flags for both runs: FIG5_FLAGS.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then size="--passes 2 --train-size 5000"; else size=""; fi
flags="--seed 1 $size ${FIG5_FLAGS:-}"

jobs() {
    for loss in map mse; do echo "fig5/$loss/s1 lenet98 train --loss $loss $flags --eval all" | tr -s ' '; done
}

collect() {
    map=$(run fig5 fig5/map/s1).log.tsv; mse=$(run fig5 fig5/mse/s1).log.tsv
    need "$map"; need "$mse"
    out=$FIGDIR/fig5.dat
    tmp=$out.tmp-$$
    {
        echo "# Figure 5 of LeCun et al. (1998), reproduced by lenet98."
        echo "# command: make reproduce$(quick_note) (experiments/fig5.sh)"
        grep '^# lenet98 train' "$map" | sed 's/^# /# map run: /'
        grep '^# lenet98 train' "$mse" | sed 's/^# /# mse run: /'
        grep '^# revision' "$map"
        echo "# machine: $(machine)"
        echo "# block 0: this reproduction, error in percent"
        echo "# pass	otf_train_map	test_map	train_map	otf_train_mse	test_mse	train_mse	eps_min	eps_max"
        # the two logs' columns by name (experiments/col.sh), joined by pass
        experiments/col.sh "$map" pass otf_train_err test_err train_err > "$tmp.a"
        experiments/col.sh "$mse" pass otf_train_err test_err train_err > "$tmp.b"
        experiments/col.sh "$map" pass eps_min eps_max > "$tmp.c"
        awk -F'\t' 'FNR == 1 { f++ }
            f == 1 { a[$1] = $2 "\t" $3 "\t" $4; n = $1 } f == 2 { b[$1] = $2 "\t" $3 "\t" $4 }
            f == 3 { c[$1] = $2 "\t" $3 }
            END { for (p = 1; p <= n; p++) print p "\t" a[p] "\t" b[p] "\t" c[p] }' "$tmp.a" "$tmp.b" "$tmp.c"
        rm -f "$tmp.a" "$tmp.b" "$tmp.c"
        printf '\n\n'
        echo "# block 1: the paper (experiments/paper/results-1998.tsv, fig5, digitised)"
        echo "# pass	train	test"
        # the paper's table, its columns by name (figure series x value)
        experiments/col.sh experiments/paper/results-1998.tsv figure series x value |
            awk -F'\t' '$1 == "fig5" && $2 == "train" {tr[$3] = $4} $1 == "fig5" && $2 == "test" {te[$3] = $4}
            END {for (i = 1; i <= 21; i++) if (i in tr) print i "\t" tr[i] "\t" te[i]}'
    } > "$tmp"
    mv "$tmp" "$out"
    for l in map mse; do
        chance "fig5/$l/s1" "$(experiments/col.sh "$(run fig5 fig5/$l/s1).log.tsv" test_err | tail -1)" > /dev/null
    done
    plot fig5
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run fig5; collect ;;
*) echo "usage: fig5.sh [jobs|collect]" >&2; exit 2 ;;
esac
