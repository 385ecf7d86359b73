#!/bin/sh
# times.sh: what the trained experiments cost. FIGDIR/times.tsv: per experiment (fig5 trap fig6
# modern validation ablation readings, or those named as arguments), the runs of its job list,
# how many have a log, their passes and the sum of their logs' `seconds` column (each pass's
# training and evaluation, timed by the run itself), and a total over the distinct runs (a run
# two experiments share, as readings' default seeds are Figure 5's map runs, is counted once).
# The job list of EXP is $JOBS_DIR/EXP.jobs (written by experiments/jobs.sh list when missing,
# as jobs.sh path does); each run's log is $RUNS_DIR/KEY.log.tsv, KEY the first field of
# its line (where jobs.sh path finds it). A run without a
# log is skipped, with a note (column note, and on stderr).
#   times.sh [EXP...]      QUICK=1: the QUICK runs' lists (build/quick/jobs), into build/quick
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
RUNS_DIR=${RUNS_DIR:-build/runs}
export JOBS_DIR RUNS_DIR
EXPS=${*:-fig5 trap fig6 modern validation ablation readings}
REV=$(cat "$B/revision" 2>/dev/null || echo unknown)
out=$FIGDIR/times.tsv
tmp=$out.tmp-$$
trap 'rm -f "$tmp" "$tmp.keys" "$tmp.out"' EXIT
: > "$tmp.keys"
{
    echo "# times.tsv: the CPU cost of each trained experiment, from its runs' logs; revision $REV"
    echo "# command: experiments/times.sh$(quick_note) (job lists: $JOBS_DIR/EXP.jobs, experiments/jobs.sh)"
    echo "# runs: lines of the job list; logs: runs with a log (the others are skipped: note); passes: log rows; seconds: the sum of the logs' seconds column (each pass, training + evaluation, the run's own elapsed time); hours = seconds / 3600."
    echo "# Each run is single-threaded: its seconds are about the CPU seconds it used. Two run at once on the 2-core machine (make -j2), so the wall time of a queue is about half its seconds."
    echo "# total: the distinct runs of all the lists (a run shared by two experiments, e.g. readings/default = fig5/map, is counted once)."
    printf 'experiment\truns\tlogs\tpasses\tseconds\thours\tnote\n'
    for e in $EXPS; do
        [ -f "$JOBS_DIR/$e.jobs" ] || experiments/jobs.sh list "$e" > /dev/null
        runs=0 logs=0 rows=0 secs=0 miss=''
        while read -r k name _; do
            runs=$((runs + 1))
            log=$RUNS_DIR/$k.log.tsv   # the key of the list line names the run (jobs.sh path)
            if [ ! -f "$log" ]; then miss="$miss $name"; continue; fi
            logs=$((logs + 1))
            rs=$(experiments/col.sh "$log" seconds | awk '{ s += $1 } END { printf "%d\t%.1f\n", NR, s }')
            rows=$((rows + $(echo "$rs" | cut -f1)))
            secs=$(awk -v a="$secs" -v b="$(echo "$rs" | cut -f2)" 'BEGIN { printf "%.1f\n", a + b }')
            printf '%s\t%s\n' "$k" "$rs" >> "$tmp.keys"
        done < "$JOBS_DIR/$e.jobs"
        note=-
        if [ -n "$miss" ]; then
            note="$((runs - logs)) of $runs runs have no log"
            echo "times.sh: $e: $note (skipped):$miss" >&2
        fi
        awk -v e="$e" -v r="$runs" -v l="$logs" -v p="$rows" -v s="$secs" -v n="$note" \
            'BEGIN { printf "%s\t%d\t%d\t%d\t%.0f\t%.2f\t%s\n", e, r, l, p, s, s / 3600, n }'
    done
    # the distinct runs: keys of every list (with or without a log), seconds of those with one
    for e in $EXPS; do cut -d' ' -f1 "$JOBS_DIR/$e.jobs"; done | sort -u > "$tmp"
    awk -F'\t' -v runs="$(wc -l < "$tmp")" '!seen[$1]++ { l++; p += $2; s += $3 }
        END { printf "total\t%d\t%d\t%d\t%.0f\t%.2f\tdistinct runs\n", runs, l, p, s, s / 3600 }' "$tmp.keys"
} > "$tmp.out"
mv "$tmp.out" "$out"
grep -v '^#' "$out"
echo "$out"
