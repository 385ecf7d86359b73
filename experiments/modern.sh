#!/bin/sh
# modern.sh: the 1998 LeNet-5 and the modern variant side by side (issue 4). Trains both for
# 20 passes over the 60,000 training patterns from the same seed (SEED, default 1): the
# 1998 net with its defaults (SDLM, MAP loss, paper init; SDLM_FLAGS added), the modern net
# with its defaults (SGD lr 0.1, momentum 0.9, batch 64, cosine; torch init). The two runs
# are independent make rules (both cores; see runs.sh; experiments/ablation.sh reuses them).
# Writes FIG/modern.tsv (per net: parameters, connections, multiply-adds per image,
# training patterns/s, seconds, final errors), FIG/modern.dat (errors per pass) and, from
# the static figures/modern.gp, FIG/modern.png. QUICK=1: 2 passes over 5,000 patterns.
cd "$(dirname "$0")/.." || exit 1
. experiments/runs.sh
SEED=${SEED:-1}
MK=$R/modern.mk
: > "$MK"
run_rule "$MK" "lenet5-s$SEED" --seed "$SEED" $SDLM_FLAGS
run_rule "$MK" "modern-s$SEED" --seed "$SEED" --arch modern
run_make "$MK" || { echo "modern.sh: a training run failed (see $R/*.err)" >&2; exit 1; }

TSV=$FIG/modern.tsv DAT=$FIG/modern.dat
{
    printf '# modern.tsv: the 1998 LeNet-5 and the modern variant, %s passes over %s patterns, seed %s; revision %s\n' "$PASSES" "$TRAIN" "$SEED" "$REV"
    for n in lenet5 modern; do printf '# %s: %s\n' "$n" "$(log_settings "$n-s$SEED")"; done
    printf '# mult_adds: per image, forward (lenet98 info); patterns_per_s: training only (train_seconds: the passes without the end-of-pass evaluations), one core while the other net trains on the other\n'
    printf 'net\tparameters\tconnections\tmult_adds\tpatterns_per_s\ttrain_seconds\tseconds\ttest_err\ttrain_err\n'
    for n in lenet5 modern; do
        counts=$("$L" info --arch "$n" | awk '$1 == "total" { print $2 "\t" $3 "\t" $4 }')
        log_rows "$n-s$SEED" | awk -F'\t' -v n="$n" -v c="$counts" -v N="$TRAIN" '
            { ts += $11; s += $10; te = $8; tr = $7; p++ }
            END { printf "%s\t%s\t%.0f\t%.1f\t%.1f\t%.2f\t%.3f\n", n, c, p * N / ts, ts, s, te, tr }'
    done
} > "$TSV"
{
    printf '# modern.dat: error per pass (percent), %s passes over %s patterns, seed %s; revision %s\n' "$PASSES" "$TRAIN" "$SEED" "$REV"
    printf '# index 0: lenet5 (%s)\n# index 1: modern (%s)\n' "$(log_settings "lenet5-s$SEED")" "$(log_settings "modern-s$SEED")"
    printf '# pass\totf_train_err\ttrain_err\ttest_err\n'
    log_rows "lenet5-s$SEED" | cut -f1,6,7,8
    printf '\n\n'
    log_rows "modern-s$SEED" | cut -f1,6,7,8
} > "$DAT"
[ "$FIG" = figures ] || cp figures/modern.gp "$FIG/"
(cd "$FIG" && gnuplot modern.gp) || exit 1
cat "$TSV"
echo "modern.sh: wrote $TSV, $DAT, $FIG/modern.png" >&2
