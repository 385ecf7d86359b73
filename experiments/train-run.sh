#!/bin/sh
# train-run.sh 'KEY NAME lenet98 train FLAGS...': runs one line of a job list (the line as one
# argument, or as separate words). KEY is the run's identity: the first 16 hex digits of the
# SHA-256 of the line `lenet98 train FLAGS --settings` prints (experiments/jobs.sh key), and
# it is checked here, so a stale job list or another binary's numerics never reuses a run.
# NAME is experiment/step/seed, for the progress lines. The run lives in
# $RUNS_DIR/KEY.{bin,bin.ckpt,log.tsv,out,err,settings,job}: a finished run (model and log) is
# reused, an interrupted one resumed from its checkpoint; FORCE=1 retrains.
# While it trains it prints one line per finished pass (NAME, pass p/P, test error where
# computed and, when PROGRESS names the progress directory of `jobs.sh run`, the runs done of
# the whole list and the time left), each line one write(2) well under PIPE_BUF, so two runs
# at once (make -j2) never garble each other's lines. Follow a run: tail -f $RUNS_DIR/KEY.out
# Two runners asking for the same run at once take turns through a lock (flock).
# Environment: LENET98 (default build/lenet98), RUNS_DIR (default build/runs), DATA (default
# data), PROGRESS, FORCE, OMP_NUM_THREADS (default 1).
set -eu
[ $# -eq 1 ] && set -- $1   # one argument: the whole line (GNU parallel, make rules)
[ $# -ge 4 ] && [ "$3" = lenet98 ] && [ "$4" = train ] ||
    { echo "usage: train-run.sh 'KEY NAME lenet98 train FLAGS...'" >&2; exit 2; }
key=$1 name=$2
shift 4
L=${LENET98:-build/lenet98}
runs=${RUNS_DIR:-build/runs}
data=${DATA:-data}
settings=$("$L" train --settings --data "$data" "$@")
k=$(printf '%s\n' "$settings" | sha256sum | cut -c1-16)
[ "$k" = "$key" ] || {
    echo "train-run: $name: the job list says run $key, these flags give $k ($settings):" \
         "regenerate the job list (experiments/jobs.sh list)" >&2; exit 1; }
mkdir -p "$runs"
base=$runs/$key
exec 9> "$base.lock"
flock 9
if [ "${FORCE:-0}" != 1 ] && [ -f "$base.bin" ] && [ -f "$base.log.tsv" ]; then
    echo "$name: reusing $base"
    exit 0
fi
[ "${FORCE:-0}" = 1 ] && rm -f "$base.bin.ckpt"
rm -f "$base.bin"
printf '%s\n' "$settings" > "$base.settings"
printf '%s %s lenet98 train %s\n' "$key" "$name" "$*" > "$base.job"
# mawk reads a pipe in large blocks unless told otherwise: the pass lines would come at the end
live=""
awk -W version 2>/dev/null | grep -q mawk && live="-W interactive"
resume="" before=0
if [ -f "$base.bin.ckpt" ]; then
    resume="--resume $base.bin.ckpt"
    # the passes already in the log: train prints their rows again, they are not new work
    [ -f "$base.log.tsv" ] && before=$("$(dirname "$0")/col.sh" "$base.log.tsv" pass | tail -1)
fi
# the rows train prints go to KEY.out as they come; each finished pass becomes one line here
# shellcheck disable=SC2086 # resume and live are empty or two words
{ OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$L" train "$@" --data "$data" -o "$base.bin" \
      --log "$base.log.tsv" $resume 2> "$base.err"; echo "#exit $?"; } |
awk $live -F'\t' -v out="$base.out" -v name="$name" -v key="$key" -v prog="${PROGRESS:-}" -v before="${before:-0}" '
    function now(   t, c) { c = "date +%s"; c | getline t; close(c); return t + 0 }
    function isnum(x) { return x ~ /^[0-9.]+$/ }
    function hms(s) {
        if (s >= 3600) return sprintf("%dh%02dm", s / 3600, (s % 3600) / 60)
        return s >= 60 ? sprintf("%dm%02ds", s / 60, s % 60) : sprintf("%ds", s)
    }
    # the state of the whole list: runs done, and patterns trained this session of the total
    function overall(   c, l, a, d, w, runs, fin, total, start, el, s) {
        if (prog == "") return ""
        if ((getline l < (prog "/total")) <= 0) return ""
        close(prog "/total"); split(l, a, " "); runs = a[1]; fin = a[2]; total = a[3]; start = a[4]
        c = "cat " prog "/*.work 2>/dev/null"; w = 0
        while ((c | getline l) > 0) w += l
        close(c)
        c = "ls " prog " | grep -c \"[.]done$\""; c | getline d; close(c)
        s = sprintf("  [%d/%d runs done", fin + d, runs)
        el = now() - start
        if (w > 0 && total > w) s = s sprintf(", about %s left]", hms(el * (total - w) / w))
        else s = s "]"
        return s
    }
    /^#exit / { code = $2 + 0; next }
    { print > out; fflush(out) }
    /^# lenet98 train: / { P = $0; sub(/.* passes=/, "", P); sub(/ .*/, "", P)
                           N = $0; sub(/.* train_size=/, "", N); sub(/ .*/, "", N) }
    /^#/ { next }
    !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
    { pass = $(c["pass"]); te = $(c["test_err"])
      if (prog != "" && pass > before) { f = prog "/" key ".work"; print (pass - before) * N > f; close(f) }
      line = sprintf("%-28s pass %3d/%-3d %s", name, pass, P,
                     isnum(te) ? sprintf("test %6.2f%%", te) : "test   -   ")
      if (pass == P && isnum(te) && te >= 80) line = line "  WARNING: chance level"
      # one write per line (mawk -W interactive writes unbuffered, piece by piece: two
      # runs at once would interleave the pieces)
      line = line overall() "\n"; printf "%s", line; fflush() }
    END { exit code }' || {
    rc=$?
    echo "train-run: $name: lenet98 train failed (exit $rc); $base.err:" >&2
    cat "$base.err" >&2
    exit 1
}
[ -z "${PROGRESS:-}" ] || : > "$PROGRESS/$key.done"
echo "$name: done, $base.log.tsv"
