#!/bin/sh
# fig5.sh: Figure 5. Trains LeNet-5 as published (seed 1, Eq. 9, 20 passes over 60,000
# patterns; QUICK=1: 2 passes over 5,000) and the same with Eq. 8, or reuses up-to-date runs,
# then writes figures/fig5.dat (ours, then the paper's digitised curves) and renders
# figures/fig5.png and .svg from the static figures/fig5.gp.
# Extra flags for both runs: FIG5_FLAGS.
set -eu
cd "$(dirname "$0")/.."
if [ "${QUICK:-0}" = 1 ]; then size="--passes 2 --train-size 5000"; else size=""; fi
flags="--seed 1 $size ${FIG5_FLAGS:-}"
# shellcheck disable=SC2086
map=$(LINK=build/runs/fig5-map experiments/train-run.sh --loss map $flags)
# shellcheck disable=SC2086
mse=$(LINK=build/runs/fig5-mse experiments/train-run.sh --loss mse $flags)
out=figures/fig5.dat
tmp=$out.tmp-$$
{
    echo "# Figure 5 of LeCun et al. (1998), reproduced by lenet98."
    echo "# command: make reproduce$( [ "${QUICK:-0}" = 1 ] && echo ' QUICK=1') (experiments/fig5.sh)"
    grep '^# lenet98 train' "$map" | sed 's/^# /# map run: /'
    grep '^# lenet98 train' "$mse" | sed 's/^# /# mse run: /'
    grep '^# revision' "$map"
    echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
    echo "# block 0: this reproduction, error in percent"
    echo "# pass	otf_train_map	test_map	train_map	otf_train_mse	test_mse	train_mse	eps_min	eps_max"
    # the two logs joined by pass, columns by name (pass eta eps_min eps_median eps_max
    # otf_train_err train_err test_err mean_loss seconds ...)
    awk -F'\t' 'FNR == 1 { f++ } /^#/ || $1 == "pass" { next }
        f == 1 { otf[$1] = $6; te[$1] = $8; tr[$1] = $7; emin[$1] = $3; emax[$1] = $5; n = $1 }
        f == 2 { m_otf[$1] = $6; m_te[$1] = $8; m_tr[$1] = $7 }
        END { for (p = 1; p <= n; p++)
                  print p "\t" otf[p] "\t" te[p] "\t" tr[p] "\t" m_otf[p] "\t" m_te[p] "\t" m_tr[p] "\t" emin[p] "\t" emax[p] }' \
        "$map" "$mse"
    printf '\n\n'
    echo "# block 1: the paper (experiments/paper/results-1998.tsv, fig5, digitised)"
    echo "# pass	train	test"
    awk -F'\t' '$1 == "fig5" && $2 == "train" {tr[$3] = $4} $1 == "fig5" && $2 == "test" {te[$3] = $4}
        END {for (i = 1; i <= 21; i++) if (i in tr) print i "\t" tr[i] "\t" te[i]}' experiments/paper/results-1998.tsv
} > "$tmp"
mv "$tmp" "$out"
gnuplot figures/fig5.gp
echo "figures/fig5.png figures/fig5.svg"
