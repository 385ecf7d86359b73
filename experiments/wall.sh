#!/bin/sh
# wall.sh: the wall time of a whole `make reproduce` or `make studies`, measured by the make
# rule itself, for the README and REPORT.md (issue 10 asks for it beside the machine and the
# revision). figures/times.tsv has each experiment's CPU seconds from its runs' logs; this is
# the elapsed time of the one command a user types, build and figures included.
#   wall.sh start TARGET        at the rule's first line: $JOBS_DIR/TARGET.wall-start (the time)
#   wall.sh end TARGET EXP...   at the rule's end (before its report): one row of
#                               FIGDIR/wall.tsv for TARGET, replacing the one a previous run
#                               wrote (the other targets' rows are kept). EXP...: the
#                               experiments the rule trained (`jobs.sh run EXP...`), whose
#                               progress total says how many runs there were and how many were
#                               already in build/runs (reused, so not timed: the row says so).
# Columns: target (with QUICK=1 when it was), make_jobs (the runs trained at once: the -jN of
# the make that trained them, which under a plain make is JOBS, default 2; jobs.sh run records it),
# runs, reused, trained, start_utc, end_utc, seconds, revision, machine.
# Environment: FIGDIR, JOBS_DIR, B (the build, for its revision), QUICK, MAKEFLAGS (from make).
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh

die() { echo "wall.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || { sed -n '2,16p' "$0" | cut -c3-; exit 2; }
cmd=$1 target=$2; shift 2
case $target in *[!a-z0-9_-]*|'') die "bad target name '$target'" ;; esac
start_f=$JOBS_DIR/$target.wall-start

case $cmd in
start)
    mkdir -p "$JOBS_DIR"
    date +%s > "$start_f.tmp-$$" && mv "$start_f.tmp-$$" "$start_f"
    ;;
end)
    [ $# -ge 1 ] || die "end $target: name the experiments it trained"
    [ -f "$start_f" ] || die "$start_f: missing (wall.sh start $target was not run first)"
    t0=$(cat "$start_f")
    case $t0 in ''|*[!0-9]*) die "$start_f: not a time in seconds: '$t0'" ;; esac
    t1=$(date +%s)
    prog=$(experiments/jobs.sh progress "$@")/total
    [ -f "$prog" ] || die "$prog: missing (jobs.sh run $* did not run)"
    read -r runs reused _ < "$prog" || die "$prog: unreadable"
    case "$runs$reused" in ''|*[!0-9]*) die "$prog: not two counts: '$(cat "$prog")'" ;; esac
    # the runs at once, as jobs.sh run recorded them (the -jN of the make that trained them:
    # the user's, or JOBS under a plain make); else the -jN this make ran with, or 1
    j=$(cat "$(dirname "$prog")/jobs" 2>/dev/null || true)
    case "$j" in ''|*[!0-9a-z]*) j=$(experiments/jobs.sh makejobs); j=${j:-1} ;; esac
    rev=$(cat "${B:-build}/revision" 2>/dev/null || echo unknown)
    name=$target; [ "$QUICK" = 1 ] && name="$target QUICK=1"
    mkdir -p "$FIGDIR"
    out=$FIGDIR/wall.tsv tmp=$FIGDIR/wall.tsv.tmp-$$
    trap 'rm -f "$tmp"' EXIT
    {
        echo "# wall.tsv: the wall time of each whole make target, measured by its rule (experiments/wall.sh), from its first line (the build) to its last figure, before its report"
        echo "# runs: the training runs of its experiments; reused: those already in build/runs, not trained again (a reproduce with reused > 0 is not a full one; studies reuse the runs they share with reproduce); trained = runs - reused"
        printf 'target\tmake_jobs\truns\treused\ttrained\tstart_utc\tend_utc\tseconds\trevision\tmachine\n'
        [ -f "$out" ] && experiments/col.sh "$out" target make_jobs runs reused trained start_utc end_utc seconds revision machine |
            awk -F'\t' -v t="$name" '$1 != t'
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$j" "$runs" "$reused" "$((runs - reused))" \
            "$(date -u -d "@$t0" +%FT%TZ)" "$(date -u -d "@$t1" +%FT%TZ)" "$((t1 - t0))" "$rev" "$(machine)"
    } > "$tmp"
    mv "$tmp" "$out"
    trap - EXIT
    rm -f "$start_f"
    m=$(((t1 - t0) / 60)) s=$(((t1 - t0) % 60))
    echo "wall.sh: make $name: ${m} min ${s} s wall for $runs runs ($reused reused), make -j$j, revision $rev ($out)"
    ;;
*) die "unknown command '$cmd' (start or end)" ;;
esac
