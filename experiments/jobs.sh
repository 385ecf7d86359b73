#!/bin/sh
# jobs.sh: the experiments' training runs as one job list, and the one way to name and find
# a run. A job list has one line per run:
#     KEY NAME lenet98 train FLAGS...
# KEY: the run's identity, the first 16 hex digits of the SHA-256 of the one line that
# `lenet98 train FLAGS --settings` prints (the complete description of the run); NAME:
# experiment/step/seed. The run's files are $RUNS_DIR/KEY.* (experiments/train-run.sh runs
# one line). Each trained experiment's driver prints its lines without keys (`DRIVER jobs`).
#
#   jobs.sh key FLAGS...        the key of `lenet98 train FLAGS`
#   jobs.sh list EXP...         writes $JOBS_DIR/EXP.jobs for each experiment (fig5 fig6 trap
#                               modern ablation) and prints their lines, each key once
#   jobs.sh run EXP...          trains every run of those experiments: one make rule per run,
#                               so make -jN (else JOBS=N, default 2) trains N at once, with one
#                               progress line per finished pass of each run
#   jobs.sh mk LIST             the makefile `run` uses for a job list file (its runs in
#                               order of cost, the costliest first)
#   jobs.sh path EXP NAME       $RUNS_DIR/KEY of run NAME of experiment EXP (KEY.bin is the
#                               model, KEY.log.tsv its log); exit 1 if it is not in the list
#   jobs.sh progress EXP...     the directory of `run EXP...`'s progress (its total: runs,
#                               runs already done, patterns, start; experiments/wall.sh)
#   jobs.sh makejobs            the N of the calling make's -jN ("unlimited" for -j alone),
#                               nothing when it has no -j
#   jobs.sh rekey               the one-time rebuild of old cache entries (see below)
#
# Environment: QUICK=1 (the small version of each experiment), LENET98 (default
# build/lenet98), RUNS_DIR (default build/runs), JOBS_DIR (default build/jobs, QUICK:
# build/quick/jobs), DATA (default data), JOBS (parallel runs without make -j, default 2).
set -eu
cd "$(dirname "$0")/.."
L=${LENET98:-build/lenet98}
RUNS_DIR=${RUNS_DIR:-build/runs}
DATA=${DATA:-data}
if [ "${QUICK:-0}" = 1 ]; then JOBS_DIR=${JOBS_DIR:-build/quick/jobs}; else JOBS_DIR=${JOBS_DIR:-build/jobs}; fi
export LENET98="$L" RUNS_DIR DATA JOBS_DIR

# (a failing --settings, or a missing binary, stops here: never the hash of an empty line)
key_settings() { # FLAGS...: the settings line the key hashes
    key_s=$("$L" train --settings --data "$DATA" "$@") || { echo "jobs.sh: $L train --settings $*: failed" >&2; exit 1; }
    [ -n "$key_s" ] || { echo "jobs.sh: $L train --settings $*: printed nothing" >&2; exit 1; }
    printf '%s\n' "$key_s"
}
line_key() { printf '%s\n' "$1" | sha256sum | cut -c1-16; } # SETTINGS: the key that names it
key() { key_k=$(key_settings "$@") || exit 1; line_key "$key_k"; }

# settings K FLAGS...: the settings line of run K (its KEY.settings once it ran, else the one
# list1 kept in $JOBS_DIR/settings/K, else lenet98 train --settings: 0.15 s a call, as it
# checksums the data); status 1 when none can be had
settings() {
    settings_k=$1; shift
    sed -n 1p "$RUNS_DIR/$settings_k.settings" 2>/dev/null | grep . ||
        sed -n 1p "$JOBS_DIR/settings/$settings_k" 2>/dev/null | grep . ||
        "$L" train --settings --data "$DATA" "$@" ||
        { echo "jobs.sh: $L train --settings $*: failed" >&2; return 1; }
}

# list1 EXP: $JOBS_DIR/EXP.jobs from the driver's lines (rewritten only when it changes)
list1() {
    mkdir -p "$JOBS_DIR"
    f=$JOBS_DIR/$1.jobs
    experiments/"$1".sh jobs | while read -r name cmd sub flags; do
        [ "$cmd $sub" = "lenet98 train" ] || { echo "jobs.sh: $1: bad line '$name $cmd $sub $flags'" >&2; exit 1; }
        # shellcheck disable=SC2086 # flags is a list of flags
        ks=$(key_settings $flags) || exit 1
        k=$(line_key "$ks")
        # the line it hashed, so that todo and mk need not ask the binary again
        [ -s "$JOBS_DIR/settings/$k" ] || { mkdir -p "$JOBS_DIR/settings" &&
            printf '%s\n' "$ks" > "$JOBS_DIR/settings/$k.tmp-$$" && mv "$JOBS_DIR/settings/$k.tmp-$$" "$JOBS_DIR/settings/$k"; }
        echo "$k $name lenet98 train $flags"
    done > "$f.new" || { rm -f "$f.new"; return 1; }
    if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv "$f.new" "$f"; fi
}

list() {
    for e in "$@"; do list1 "$e" || exit 1; done
    for e in "$@"; do cat "$JOBS_DIR/$e.jobs"; done | awk '!seen[$1]++'
}

# cost SETTINGS: a run's rough cost, in training patterns: passes x patterns (x 1.3 for a full
# C3, as the modern variant's, x 1.2 with distortions), plus its end-of-pass evaluations (test +
# training set, or the validation set; an image about 0.3 of a training step, make bench)
cost() {
    echo "$1" | awk '{ for (i = 1; i <= NF; i++) { e = index($i, "="); if (e) v[substr($i, 1, e - 1)] = substr($i, e + 1) }
                       n = v["train_size"]; p = v["passes"]
                       t = p * n * (v["arch"] ~ /modern|c3=full/ ? 1.3 : 1) * (v["distort"] != "none" ? 1.2 : 1)
                       ev = (v["eval"] == "all" ? p : 1) * (v["valid"] > 0 ? v["valid"] : 10000 + n) * 0.3
                       printf "%d\n", t + ev }'
}

# order LIST: its lines, the costliest run first (so, N at once, the last runs to end are
# short ones and no core waits long on the final run), ties in the list's order. A run whose
# settings cannot be had stops it (status 1).
order() {
    # (in a subshell, so a failing run's exit is the status of the whole, not lost in a pipe)
    order_c=$(order_n=0
        while IFS= read -r order_l; do
            order_n=$((order_n + 1))
            # shellcheck disable=SC2086 # the line is a list of words
            set -- $order_l
            order_k=$1; shift 4
            order_s=$(settings "$order_k" "$@") || exit 1
            printf '%s\t%s\t%s\n' "$(cost "$order_s")" "$order_n" "$order_l"
        done < "$1") || return 1
    [ -z "$order_c" ] || printf '%s\n' "$order_c" | sort -t "$(printf '\t')" -k1,1nr -k2,2n | cut -f3-
}

# the runs' rules in cost order (order): make -jN starts them in that order
mk() {
    mk_l=$(order "$1") || exit 1
    echo "# generated by experiments/jobs.sh mk $1: one rule per run, the costliest first"
    echo ".PHONY: all"
    printf '%s\n' "$mk_l" | awk -v q="'" 'NF { printf "all: run-%s\n.PHONY: run-%s\nrun-%s:\n\t@experiments/train-run.sh %s%s%s\n", $1, $1, $1, q, $0, q }'
}

# the patterns still to train in a list (passes not yet in a run's log, times its size),
# the runs already finished, and the number of runs
todo() {
    while read -r k _ _ _ flags; do
        if [ -f "$RUNS_DIR/$k.bin" ] && [ -f "$RUNS_DIR/$k.log.tsv" ]; then echo "fin"; continue; fi
        # shellcheck disable=SC2086 # flags is a list of flags
        s=$(settings "$k" $flags) || s=''
        done_p=0
        [ -f "$RUNS_DIR/$k.log.tsv" ] && [ -f "$RUNS_DIR/$k.bin.ckpt" ] &&
            done_p=$(experiments/col.sh "$RUNS_DIR/$k.log.tsv" pass | tail -1)
        echo "$s" | awk -v d="${done_p:-0}" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
                                  print "todo", (v["passes"] - d) * v["train_size"] }'
    done < "$1" | awk '$1 == "fin" { f++ } $1 == "todo" { w += $2 } END { print NR, f + 0, w + 0 }'
}

# (sh has no local variables: run_ names are run's alone)
run() {
    run_name=$(echo "$*" | tr ' ' '+')
    run_list=$JOBS_DIR/$run_name.all
    mkdir -p "$JOBS_DIR"
    list "$@" > "$run_list.new"
    mv "$run_list.new" "$run_list"
    mk "$run_list" > "$run_list.mk"
    run_prog=$(progress "$@")
    rm -rf "$run_prog"; mkdir -p "$run_prog"
    echo "$(todo "$run_list") $(date +%s)" > "$run_prog/total"
    read -r n fin _ _ < "$run_prog/total"
    echo "jobs.sh: $*: $n training runs ($fin already done); job list $run_list;" \
         "each run's log: $RUNS_DIR/KEY.log.tsv (follow it: tail -f $RUNS_DIR/KEY.out)"
    export PROGRESS="$run_prog"
    # the runs at once: make -jN's N (its jobserver), else JOBS (default 2: a plain `make
    # reproduce` trains two at once too); kept in the progress directory for wall.sh
    run_j=$(makejobs)
    if [ -n "$run_j" ]; then
        echo "$run_j" > "$run_prog/jobs"
        ${MAKE:-make} --no-print-directory -f "$run_list.mk" all
    else
        echo "${JOBS:-2}" > "$run_prog/jobs"
        ${MAKE:-make} --no-print-directory -j"${JOBS:-2}" -f "$run_list.mk" all
    fi
}

# makejobs: the N of the calling make's -jN (GNU make puts it in MAKEFLAGS, e.g. " -j2
# --jobserver-auth=3,4"), "unlimited" for a -j without a number, nothing without -j
makejobs() {
    case " ${MAKEFLAGS:-} " in
    *jobserver*|*" -j"*)
        mj=$(printf '%s\n' " ${MAKEFLAGS:-}" | tr ' ' '\n' | sed -n 's/^-j\([0-9][0-9]*\)$/\1/p' | tail -1)
        echo "${mj:-unlimited}" ;;
    esac
}

# progress EXP...: the directory where `run EXP...` keeps its progress (total: runs, runs
# already done, patterns to train, start time; jobs: the runs at once; KEY.work, KEY.done
# per run)
progress() { echo "$JOBS_DIR/$(echo "$*" | tr ' ' '+').progress"; }

path() {
    [ -f "$JOBS_DIR/$1.jobs" ] || list1 "$1"
    k=$(awk -v n="$2" '$2 == n { print $1; exit }' "$JOBS_DIR/$1.jobs")
    [ -n "$k" ] || { echo "jobs.sh: no run '$2' in $JOBS_DIR/$1.jobs" >&2; exit 1; }
    echo "$RUNS_DIR/$k"
}

# Old cache entries were keyed by a hash of another line (the settings then, plus "data=").
# A run's key is only ever computed from its flags, so an old entry is never found, never
# reused: this moves every entry without a KEY.job (written by train-run.sh since the job
# lists), whose .settings does not hash to its name, or whose settings line is of another
# settings version or numerics than this binary's (lenet98/trainer.h), and the old
# NAME.bin links of the former drivers, to $RUNS_DIR/old/ (delete it when you like); those
# runs are retrained when next asked for.
rekey() {
    cur=$("$L" train --settings --data "$DATA")
    cur_v=$(echo "$cur" | cut -d' ' -f1)
    cur_n=$(echo "$cur" | tr ' ' '\n' | grep '^numerics=')
    mkdir -p "$RUNS_DIR/old"
    moved=0
    for s in "$RUNS_DIR"/*.settings; do
        [ -f "$s" ] || continue
        k=$(basename "$s" .settings)
        # kept: a job-list run whose settings hash to its name, in the current settings
        # version and numerics (older lines, or other kernels' bits, are never found again)
        [ -f "$RUNS_DIR/$k.job" ] && [ "$(line_key "$(sed -n 1p "$s")")" = "$k" ] &&
            sed -n 1p "$s" | grep -q "^$cur_v .* $cur_n " && continue
        mv "$RUNS_DIR/$k".* "$RUNS_DIR/old/"; moved=$((moved + 1))
    done
    for x in "$RUNS_DIR"/*.bin "$RUNS_DIR"/*.log.tsv "$RUNS_DIR"/*.cmd "$RUNS_DIR"/*.mk "$RUNS_DIR"/fig6; do
        [ -L "$x" ] || [ -d "$x" ] || case $x in *.cmd|*.mk) ;; *) continue ;; esac
        [ -e "$x" ] || [ -L "$x" ] || continue
        mv "$x" "$RUNS_DIR/old/"; moved=$((moved + 1))
    done
    echo "jobs.sh rekey: moved $moved old entries to $RUNS_DIR/old/"
}

case ${1:-} in
key) shift; key "$@" ;;
list) shift; list "$@" ;;
run) shift; run "$@" ;;
mk) mk "$2" ;;
path) path "$2" "$3" ;;
progress) shift; progress "$@" ;;
makejobs) makejobs ;;
rekey) rekey ;;
*) sed -n '2,28p' "$0" | cut -c3-; exit 2 ;;
esac
