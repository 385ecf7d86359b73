#!/bin/sh
# validation.sh BUILD: experiments/validation.sh collect on a sweep written here. A job list
# with made-up 16-hex keys (experiments/jobs.sh path reads the list without the binary), logs
# with known validation errors (2 seeds a rate, their columns in another order than the
# trainer's: read by name), one rate of each net diverged (one by too few rows, one by its
# last row's on-the-fly error), and for lenet5 a real tiny model trained here with a split
# (its stored threshold read back from the file's bytes 152-159; no --stop-diverged: its
# first pass over 200 patterns is still at chance on the fly). Means and sds by hand:
#   modern  0.01: 1.00 1.20 -> 1.10 +- 0.1414 (lowest: chosen)  0.03: 1.30 1.10 -> 1.20 +- 0.1414
#           0.1:  1.50 1.90 -> 1.70 +- 0.2828   0.3: seed 1 diverged at pass 2 of 3, seed 2 0.90
#   b-sgd   0.01: 2.00 2.40 -> 2.20 +- 0.2828   0.03: 1.60 1.80 -> 1.70 +- 0.1414
#           0.1:  1.40 1.60 -> 1.50 +- 0.1414 (chosen)   0.3: seed 1 at 85% on the fly in pass 3, seed 2 0.50
# (the diverged rates' other seeds are the lowest of all: never chosen). Then seed 2 of
# modern 0.01 is made an unfinished run (no model, 2 of 3 rows): missing, not diverged, and
# the choice moves to 0.03; then a tie in b-sgd goes to the lower rate. The WARNING is expected exactly where the rate the code uses
# (SGD_LR in lenet98/optim.h, B_LR in experiments/ablation.sh) is not the choice.
B=${1:-build}
B=$(cd "$B" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SUITE=validation
. "$(dirname "$0")/lib.sh"
echo "# validation (experiments/validation.sh collect on a written sweep)"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "SKIP validation: no gnuplot (collect draws validation.png)"
    echo "$pass passed, $fail failed"; exit 0
fi
mkdir -p "$T/jobs" "$T/runs" "$T/fig" "$T/d"

# the job list: the driver's names, made-up keys 0000000000000001.. (flags abridged)
i=0
for s in 1 2; do for r in 0.01 0.03 0.1 0.3; do for n in modern b-sgd; do
    i=$((i + 1)); printf '%016x validation/%s/lr%s/s%s lenet98 train --lr %s --seed %s\n' "$i" "$n" "$r" "$s" "$r" "$s"
done; done; done > "$T/jobs/validation.jobs"
echo "00000000000000ff validation/lenet5/s1 lenet98 train --loss map --seed 1" >> "$T/jobs/validation.jobs"
key() { awk -v n="validation/$1" '$2 == n { print $1 }' "$T/jobs/validation.jobs"; }

# mklog NAME ROWS OTF_LAST VALID: a 3-pass log of ROWS rows (valid_err nan but in the last),
# the last row's on-the-fly error OTF_LAST, and a model file beside it
mklog() {
    f=$T/runs/$(key "$1")
    {
        echo "# lenet98 train: settings=3 arch=modern passes=3 train_size=50000 seed=1 eval=last valid=10000 stop_diverged=1"
        echo "# revision test"
        printf 'valid_err\tpass\tmean_loss\totf_train_err\ttest_err\ttrain_err\teta\n'
        p=1
        while [ "$p" -le "$2" ]; do
            if [ "$p" = "$2" ]; then printf '%s\t%s\t0.1\t%s\tnan\tnan\t0.01\n' "$4" "$p" "$3"
            else printf 'nan\t%s\t0.5\t40.000\tnan\tnan\t0.01\n' "$p"; fi
            p=$((p + 1))
        done
    } > "$f.log.tsv"
    : > "$f.bin"
}
mklog modern/lr0.01/s1 3 2.0 1.00;  mklog modern/lr0.01/s2 3 2.0 1.20
mklog modern/lr0.03/s1 3 2.0 1.30;  mklog modern/lr0.03/s2 3 2.0 1.10
mklog modern/lr0.1/s1 3 2.0 1.50;   mklog modern/lr0.1/s2 3 2.0 1.90
mklog modern/lr0.3/s1 2 95.0 nan;   mklog modern/lr0.3/s2 3 2.0 0.90
mklog b-sgd/lr0.01/s1 3 2.0 2.00;   mklog b-sgd/lr0.01/s2 3 2.0 2.40
mklog b-sgd/lr0.03/s1 3 2.0 1.60;   mklog b-sgd/lr0.03/s2 3 2.0 1.80
mklog b-sgd/lr0.1/s1 3 2.0 1.40;    mklog b-sgd/lr0.1/s2 3 2.0 1.60
mklog b-sgd/lr0.3/s1 3 85.0 nan;    mklog b-sgd/lr0.3/s2 3 2.0 0.50

# lenet5: a real model with a split (200 training patterns + 50 held out, 3 passes)
mkidx "$T/d" train 250; mkidx "$T/d" t10k 20
k5=$T/runs/$(key lenet5/s1)
expect 0 "train the tiny lenet5 with a split" "$B/lenet98" train --data "$T/d" --train-size 200 --valid 50 --passes 3 --hessian-samples 20 --eval last -o "$k5.bin" --log "$k5.log.tsv"
v5=$("$ROOT/experiments/col.sh" "$k5.log.tsv" valid_err | tail -1)
th5=$(od -A n -t f8 -j 152 -N 8 "$k5.bin" | awk '{ printf "%.6g\n", $1 }')
awk -v t="$th5" 'BEGIN { exit !(t + 0 > 0) }' && ok || bad "the tiny lenet5 stores a threshold ($th5)"

collect() {
    (cd "$ROOT" && FIGDIR="$T/fig" JOBS_DIR="$T/jobs" RUNS_DIR="$T/runs" VSEEDS=2 QUICK=0 B="$B" \
        LENET98="$B/lenet98" STATS="$B/stats" experiments/validation.sh collect) > "$T/out" 2> "$T/err"
}
TSV=$T/fig/validation.tsv
# row NET LR COLUMN...: those columns of the row of NET and LR
row() { n=$1 r=$2; shift 2; "$ROOT/experiments/col.sh" "$TSV" net lr "$@" | awk -F'\t' -v n="$n" -v r="$r" '$1 == n && $2 == r' | cut -f3-; }
is() { [ "$2" = "$3" ] && ok || bad "$1: '$2', expected '$3'"; }
SGD_LR=$(sgd_lr)
B_LR=$(sed -n 's/^B_LR=\([0-9.]*\).*/\1/p' "$ROOT/experiments/ablation.sh")
inuse() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 == b + 0) ? "yes" : "-" }'; }
# warned NET CHOSEN IN_USE: the WARNING about NET is there exactly when IN_USE is not CHOSEN
warned() {
    if [ "$(inuse "$2" "$3")" = yes ]; then
        grep -q "WARNING: $1:" "$T/err" && bad "$1: in use $3 is the choice $2: no warning ($(cat "$T/err"))" || ok
        grep -q "^# WARNING: $1:" "$TSV" && bad "$1: no WARNING line in the table" || ok
    else
        grep -q "WARNING: $1: the rate in use, $3 .* is not the validation choice $2" "$T/err" && ok || bad "$1: in use $3, chosen $2: a WARNING on stderr ($(cat "$T/err"))"
        grep -q "^# WARNING: $1: the rate in use, $3 " "$TSV" && ok || bad "$1: the WARNING is marked in the table"
    fi
}

collect && ok || bad "collect: exit $? ($(cat "$T/err"))"
is "modern 0.01" "$(row modern 0.01 seeds status valid_mean valid_sd valid_by_seed chosen in_use)" \
   "$(printf '2\tok\t1.1000\t0.1414\t1.00,1.20\tyes\t%s' "$(inuse 0.01 "$SGD_LR")")"
is "modern 0.03" "$(row modern 0.03 seeds valid_mean valid_sd chosen)" "$(printf '2\t1.2000\t0.1414\t-')"
is "modern 0.1" "$(row modern 0.1 seeds valid_mean valid_sd chosen)" "$(printf '2\t1.7000\t0.2828\t-')"
row modern 0.3 status valid_by_seed chosen | grep -q "^diverged at pass 2 (seed 1: on-the-fly error 95.0%.*	diverged,0.90	-$" && ok || bad "modern 0.3: seed 1 diverged at pass 2 (2 rows of 3), not chosen ($(row modern 0.3 status valid_by_seed chosen))"
is "b-sgd 0.01" "$(row b-sgd 0.01 valid_mean valid_sd chosen)" "$(printf '2.2000\t0.2828\t-')"
is "b-sgd 0.03" "$(row b-sgd 0.03 valid_mean valid_sd chosen in_use)" "$(printf '1.7000\t0.1414\t-\t%s' "$(inuse 0.03 "$B_LR")")"
is "b-sgd 0.1" "$(row b-sgd 0.1 status valid_mean valid_sd chosen)" "$(printf 'ok\t1.5000\t0.1414\tyes')"
row b-sgd 0.3 status chosen | grep -q "^diverged at pass 3 (seed 1: on-the-fly error 85.0%.*	-$" && ok || bad "b-sgd 0.3: 85% on the fly in its last row is diverged ($(row b-sgd 0.3 status chosen))"
is "lenet5's valid_err and stored threshold" "$(row lenet5 - status valid_mean threshold)" "$(printf 'ok\t%s\t%s' "$v5" "$th5")"
[ "$(grep -c '^modern	\|^b-sgd	' "$TSV")" -eq 8 ] && ok || bad "a row per net and rate: 8"
grep -q '^# command: make validation' "$TSV" && grep -q '^# validation.tsv: .*; revision ' "$TSV" && ok || bad "the header names the command and the revision"
grep -q '^# split: train on patterns 1..50000 .* last 10000 .*50001..60000.*; 3 passes.*seeds 1..2$' "$TSV" && ok || bad "the header gives the split, passes, seeds ($(grep '^# split' "$TSV"))"
warned modern 0.01 "$SGD_LR"
warned b-sgd 0.1 "$B_LR"
grep -q '^modern: chosen lr 0.01 (valid_err 1.1000% +- 0.1414 over 2 seeds)' "$T/out" && grep -q '^b-sgd: chosen lr 0.1 ' "$T/out" && ok || bad "the summary gives each choice ($(cat "$T/out"))"
# the .dat: the diverged rate is no number, the chosen one marked; the png drawn; no temp file left
awk '/^[0-9]/ && $1 == "0.3" && $2 == "NaN" && $4 == "diverged" { d++ } /^[0-9]/ && $1 == "0.01" && $2 == "1.1000" && $5 == "yes" { c++ }
     END { exit !(d == 2 && c == 1) }' "$T/fig/validation.dat" && ok || bad "validation.dat: 0.3 diverged (NaN) for both nets, modern 0.01 chosen"
[ -s "$T/fig/validation.png" ] && ok || bad "validation.png drawn"
[ -z "$(ls "$T/fig" | grep -v '^validation\.\(tsv\|dat\|png\)$')" ] && ok || bad "only the three outputs in FIGDIR: $(ls "$T/fig")"

# an unfinished run (its model not written yet, 2 of 3 rows) is missing, not diverged, and
# its rate not eligible: the choice moves to the next lowest mean, 0.03
mklog modern/lr0.01/s2 2 40.0 nan; rm -f "$T/runs/$(key modern/lr0.01/s2).bin"
collect && ok || bad "collect with a run missing: exit $? ($(cat "$T/err"))"
is "modern 0.01, seed 2 unfinished" "$(row modern 0.01 seeds status valid_by_seed chosen)" "$(printf '1\tmissing seed(s) 2\t1.00,missing\t-')"
is "modern 0.03 chosen now" "$(row modern 0.03 chosen)" yes
warned modern 0.03 "$SGD_LR"
# a tie goes to the lower rate: b-sgd 0.03 at 1.40, 1.60 ties 0.1's 1.50
mklog b-sgd/lr0.03/s1 3 2.0 1.40; mklog b-sgd/lr0.03/s2 3 2.0 1.60
collect && ok || bad "collect with a tie: exit $? ($(cat "$T/err"))"
is "b-sgd tie: 0.03 chosen, 0.1 not" "$(row b-sgd 0.03 valid_mean chosen) $(row b-sgd 0.1 valid_mean chosen)" "$(printf '1.5000\tyes 1.5000\t-')"
warned b-sgd 0.03 "$B_LR"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
