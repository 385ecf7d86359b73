#!/bin/sh
# readings.sh BUILD: experiments/readings.sh collect and experiments/times.sh on synthetic
# logs, the values chosen so that every number of the tables is known by hand. A hand-written
# job list (fake keys) in a scratch JOBS_DIR: jobs.sh path reads it and never calls the
# binary (LENET98 points nowhere). No training, no MNIST. Ends with "N passed, N failed".
B=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "# readings (readings.sh collect, times.sh on synthetic logs)"
SUITE=readings
. "$(dirname "$0")/lib.sh"
STATS=$(cd "$B" && pwd)/stats
mkdir -p "$T/jobs" "$T/runs" "$T/fig"
export JOBS_DIR="$T/jobs" RUNS_DIR="$T/runs" LENET98="$T/no-such-binary" STATS B QUICK=0

# the paper's Figure 5 as readings.sh reads it: pass, test, train (passes 1..20)
experiments/col.sh experiments/paper/results-1998.tsv figure series x value |
    awk -F'\t' '$1 == "fig5" && $3 <= 20 { v[$2, $3] = $4 } END { for (i = 1; i <= 20; i++) print i "\t" v["test", i] "\t" v["train", i] }' > "$T/paper"
[ "$(wc -l < "$T/paper")" -eq 20 ] && [ "$(sed -n 20p "$T/paper")" = "20	0.95	0.36" ] && ok || bad "the paper's curves: $(sed -n 20p "$T/paper")"

# the job list: every reading and seed 1..2, key = 16 hex digits from its position
i=0
RSEEDS=2 experiments/readings.sh jobs | while read -r name rest; do
    i=$((i + 1)); printf '%016x %s %s\n' "$((0xabc0000 + i))" "$name" "$rest"
done > "$T/jobs/readings.jobs"
[ "$(wc -l < "$T/jobs/readings.jobs")" -eq 20 ] && ok || bad "20 job lines (10 readings x 2 seeds)"
cp "$T/jobs/readings.jobs" "$T/readings.jobs.orig"
key() { awk -v n="$1" '$2 == n { print $1 }' "$T/jobs/readings.jobs"; }

# mklog NAME S PASSES ROWS TOFF1 TOFF2 OOFF EMIN EMAX [DIVPASS]: the log of seed S of reading
# NAME: ROWS rows of PASSES; test_err = paper + TOFF1 on odd passes, + TOFF2 on even ones;
# otf_train_err = paper's training + OOFF; pass 1's eps range EMIN .. EMAX; at DIVPASS the
# on-the-fly error is 90 and the test error 88.65 (the run stops there). seconds: 10 a pass.
# The columns are in another order than lenet98's: readings.sh must read them by name.
mklog() {
    k=$(key "readings/$1/s$2")
    {
        echo "# lenet98 train: settings=3 arch=lenet5 passes=$3 train_size=60000 seed=$2 eval=all"
        echo "# revision synthetic"
        printf 'seconds\ttest_err\tpass\teta\teps_max\teps_median\teps_min\ttrain_err\tmean_loss\totf_train_err\ttrain_seconds\tvalid_err\n'
        awk -F'\t' -v rows="$4" -v t1="$5" -v t2="$6" -v o="$7" -v emin="$8" -v emax="$9" -v dv="${10:-0}" '
            $1 <= rows { te = $2 + ($1 % 2 ? t1 : t2); otf = $3 + o
                         if ($1 == dv) { te = 88.65; otf = 90 }
                         printf "10.0\t%.2f\t%d\t0.0005\t%s\t0.0005\t%s\t0.5\t0.1\t%.3f\t9.0\tnan\n", te, $1, $1 == 1 ? emax : 0.001, $1 == 1 ? emin : 0.0001, otf }' "$T/paper"
    } > "$T/runs/$k.log.tsv"
    [ "$4" -lt "$3" ] && [ -z "${10:-}" ] || : > "$T/runs/$k.bin"
}
# default: rms_test 0.1 (s1 +-0.1 alternating, s2 +0.1), rms_train 0.2; final test 0.85, 1.05
mklog default 1 20 20 0.1 -0.1 0.2 0.0001 0.001
mklog default 2 20 20 0.1 0.1 0.2 0.0002 0.0009
# mu-0.2 (uncapped): rms_test 0.05 (both seeds), rms_train 0: the closest, and within 0.2
mklog mu-0.2 1 20 20 0.05 0.05 0 0.00007 0.016
mklog mu-0.2 2 20 20 -0.05 -0.05 0 0.00008 0.015
# sqrt: rms_test 0.3 and 0.1, mean 0.2; rms_train 0.1; final test 0.85 and 1.25
mklog sqrt 1 20 20 0.3 0.3 0.1 0.0001 0.001
mklog sqrt 2 20 20 -0.1 -0.1 -0.1 0.0001 0.001
# as-written: seed 1 diverged in pass 1 (one row, otf 90%), seed 2 fine: diverged
mklog as-written 1 20 1 0 0 0 0.00005 0.02 1
mklog as-written 2 20 20 0 0 0 0.00006 0.03
# block: seed 2 has 10 of 20 passes and no model (still training): incomplete
mklog block 1 20 20 0 0 0 0.0001 0.001
mklog block 2 20 10 0 0 0 0.0001 0.001
# average: far from the paper, ok: rms_test 1 (s1 +-1) and sqrt((0.09 + 0.16) / 2) = 0.35355 (s2),
# mean 0.6768 (of 1.0000 and 0.3536): rank 4
mklog average 1 20 20 1 -1 1 0.0001 0.001
mklog average 2 20 20 0.3 0.4 1 0.0001 0.001
# (the other readings have no log: incomplete, missing)

FIGDIR="$T/fig" RSEEDS=2 experiments/readings.sh collect > "$T/out" 2> "$T/err"; rc=$?
if command -v gnuplot > /dev/null 2>&1; then
    [ "$rc" -eq 0 ] && ok || bad "collect exit $rc: $(head -c 600 "$T/err")"
    [ -s "$T/fig/readings.png" ] && ok || bad "readings.png drawn"
else
    echo "SKIP readings: gnuplot not installed (readings.png not checked)"
fi
cmp -s "$T/jobs/readings.jobs" "$T/readings.jobs.orig" && ok || bad "jobs.sh path used the job list as it was"
! grep -q 'no-such-binary' "$T/err" && ok || bad "the binary was never called: $(cat "$T/err")"
left=$(find "$T/fig" -name '*tmp*'); [ -z "$left" ] && ok || bad "temp files left: $left"

R=$T/fig/readings.tsv
# get NAME COLUMN: one cell of readings.tsv, read by column name
get() { experiments/col.sh "$R" name "$2" | awk -F'\t' -v n="$1" '$1 == n { print $2 }'; }
head -1 "$R" | grep -q '^# readings.tsv: .*seeds 1..2, 20 passes over 60000 patterns.*revision ' && ok || bad "header: $(head -1 "$R")"
grep -q '^# command: make readings' "$R" && ok || bad "header names the command"
grep -q "7e-5 .. 0.016" "$R" && ok || bad "header gives the paper's eps range"
[ "$(get default rms_test)" = 0.1000 ] && ok || bad "default rms_test 0.1000: $(get default rms_test)"
[ "$(get default rms_train)" = 0.2000 ] && ok || bad "default rms_train 0.2000: $(get default rms_train)"
[ "$(get default test_mean)" = 0.9500 ] && ok || bad "default test_mean (0.85 + 1.05) / 2: $(get default test_mean)"
[ "$(get default test_sd)" = 0.1414 ] && ok || bad "default test_sd sqrt(0.02): $(get default test_sd)"
[ "$(get default otf_mean)" = 0.5600 ] && ok || bad "default otf_mean 0.36 + 0.2: $(get default otf_mean)"
[ "$(get default test_by_seed)" = "0.85,1.05" ] && ok || bad "default by seed: $(get default test_by_seed)"
[ "$(get default eps1_min) $(get default eps1_max)" = "0.0001 0.001" ] && ok || bad "default eps range over seeds: $(get default eps1_min) $(get default eps1_max)"
[ "$(get default status) $(get default cap) $(get default seeds)" = "ok yes 2" ] && ok || bad "default ok, capped, 2 seeds"
[ "$(get mu-0.2 rms_test) $(get mu-0.2 rms_train) $(get mu-0.2 cap)" = "0.0500 0.0000 no" ] && ok || bad "mu-0.2: $(get mu-0.2 rms_test) $(get mu-0.2 rms_train) $(get mu-0.2 cap)"
[ "$(get mu-0.2 eps1_min) $(get mu-0.2 eps1_max)" = "0.00007 0.016" ] && ok || bad "mu-0.2 eps: min of mins, max of maxes"
[ "$(get sqrt rms_test) $(get sqrt test_mean) $(get sqrt test_sd)" = "0.2000 1.0500 0.2828" ] && ok || bad "sqrt: $(get sqrt rms_test) $(get sqrt test_mean) $(get sqrt test_sd)"
[ "$(get sqrt rms_train)" = 0.1000 ] && ok || bad "sqrt rms_train: $(get sqrt rms_train)"
[ "$(get as-written status)" = "diverged:s1@1" ] && ok || bad "as-written diverged at pass 1 of seed 1: $(get as-written status)"
[ "$(get as-written rms_test) $(get as-written test_mean) $(get as-written otf_mean)" = "- - -" ] && ok || bad "a diverged reading is never averaged"
[ "$(get as-written test_by_seed)" = "88.65,0.95" ] && ok || bad "as-written by seed: $(get as-written test_by_seed)"
[ "$(get as-written eps1_max)" = 0.03 ] && ok || bad "eps range of a diverged reading still given"
[ "$(get block status) $(get block rms_test)" = "incomplete:s2:10/20 -" ] && ok || bad "block incomplete: $(get block status)"
[ "$(get mu-0.5 status)" = "incomplete:s1:missing,s2:missing" ] && ok || bad "missing logs: $(get mu-0.5 status)"
# rank: ok readings by rms_test; rows closest first
[ "$(experiments/col.sh "$R" rank name | head -5 | tr '\t\n' ':,')" = "1:mu-0.2,2:default,3:sqrt,4:average,-:as-written," ] && ok ||
    bad "ranks: $(experiments/col.sh "$R" rank name | tr '\t\n' ':,')"
[ "$(get average rms_test) $(get average test_by_seed)" = "0.6768 -0.05,1.35" ] && ok || bad "average: mean of two rms: $(get average rms_test) $(get average test_by_seed)"
[ "$(experiments/col.sh "$R" name | wc -l)" -eq 10 ] && ok || bad "one row per reading"
[ "$(grep -v '^#' "$R" | awk -F'\t' '{ print NF }' | sort -u)" = 15 ] && ok || bad "15 fields in every line: $(grep -v '^#' "$R" | awk -F'\t' '{ print NF }' | sort -u | tr '\n' ' ')"
[ "$(get mu-0.2 test_sd)" = 0.0707 ] && ok || bad "mu-0.2 test_sd sqrt(0.005): $(get mu-0.2 test_sd)"
grep -q '^closest reading: mu-0.2 (rms_test 0.0500' "$T/out" && ok || bad "summary names the closest: $(cat "$T/out")"
grep -q 'reaching the paper curve.*: mu-0.2$' "$T/out" && ok || bad "summary: mu-0.2 reaches the paper's curve: $(cat "$T/out")"

# readings.dat: the mean over seeds per pass, by column header
D=$T/fig/readings.dat
dget() { experiments/col.sh "$D" pass "$2" | awk -F'\t' -v p="$1" '$1 == p { print $2 }'; }
[ "$(dget 1 default_test) $(dget 2 default_test)" = "2.7700 2.2400" ] && ok || bad "default_test pass 1, 2 (2.67+0.1; (2.14+2.34)/2): $(dget 1 default_test) $(dget 2 default_test)"
[ "$(dget 1 default_otf)" = 5.0900 ] && ok || bad "default_otf pass 1 4.89 + 0.2: $(dget 1 default_otf)"
[ "$(dget 3 paper_test) $(dget 3 paper_train) $(dget 21 paper_test)" = "1.47 1.76 0.95" ] && ok || bad "the paper's columns"
[ "$(dget 21 default_test)" = NaN ] && ok || bad "pass 21: NaN for ours"
[ "$(dget 5 mu-0.2_test)" = 1.4200 ] && ok || bad "mu-0.2 pass 5: (1.47 + 1.37) / 2"
grep -v '^#' "$D" | head -1 | grep -q 'as-written\|block' && bad "only ok readings in readings.dat" || ok

# QUICK=0 with a missing job list: path would ask the binary (absent here), so collect fails
rm "$T/jobs/readings.jobs"
FIGDIR="$T/fig2" RSEEDS=2 experiments/readings.sh collect > "$T/out" 2>&1 && bad "no job list, no binary: collect must fail" || ok
grep -q 'no-such-binary train --settings.*failed' "$T/out" && ok || bad "without a job list, path asks the binary: $(head -c 300 "$T/out")"
[ -z "$(find "$T/fig2" -name '*tmp*')" ] && [ ! -e "$T/fig2/readings.tsv" ] && ok || bad "a failed collect leaves no file: $(ls "$T/fig2")"
cp "$T/readings.jobs.orig" "$T/jobs/readings.jobs"

# ---- times.sh: per experiment, the runs and the sum of their logs' seconds column
for e in fig5 trap fig6 modern validation ablation; do : > "$T/jobs/$e.jobs"; done
# fig5/map/s1 is readings/default/s1's run (the same key): 20 rows of 10 s
printf '%s fig5/map/s1 lenet98 train --loss map --seed 1 --eval all\n00000000000000f2 fig5/mse/s1 lenet98 train --loss mse --seed 1 --eval all\n' "$(key readings/default/s1)" > "$T/jobs/fig5.jobs"
FIGDIR="$T/fig" experiments/times.sh > "$T/out" 2> "$T/err" && ok || bad "times.sh: $(cat "$T/err")"
M=$T/fig/times.tsv
tget() { experiments/col.sh "$M" experiment "$2" | awk -F'\t' -v n="$1" '$1 == n { print $2 }'; }
# readings: 20 runs listed, 12 logs: default, mu-0.2, sqrt, average 40 rows each, as-written
# 1 + 20, block 20 + 10: 211 rows of 10 s
[ "$(tget readings runs) $(tget readings logs)" = "20 12" ] && ok || bad "readings: 20 runs, 12 logs: $(tget readings runs) $(tget readings logs)"
[ "$(tget readings seconds)" = 2110 ] && ok || bad "readings seconds 211 rows x 10: $(tget readings seconds)"
[ "$(tget fig5 runs) $(tget fig5 logs) $(tget fig5 seconds)" = "2 1 200" ] && ok || bad "fig5: $(tget fig5 runs) $(tget fig5 logs) $(tget fig5 seconds)"
[ "$(tget trap runs) $(tget trap seconds)" = "0 0" ] && ok || bad "an empty list: 0 runs"
# the total counts a run shared by two experiments once
[ "$(tget total runs) $(tget total seconds)" = "21 2110" ] && ok || bad "total over distinct runs: $(tget total runs) $(tget total seconds)"
grep -q 'readings: 8 of 20 runs have no log (skipped)' "$T/err" && grep -q '8 of 20 runs have no log' "$M" && ok || bad "missing runs noted: $(cat "$T/err")"
grep -qi '^# .*two run at once' "$M" && ok || bad "header: two runs at once"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
