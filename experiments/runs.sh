# runs.sh: sourced by experiments/modern.sh and experiments/ablation.sh. Each training run
# is one make rule, so independent runs spread over the cores (make -j), and a run is
# redone only when its command line changes: the rule's prerequisite is NAME.cmd, rewritten
# only when different. Outputs per run: $R/NAME.bin (model), NAME.bin.log.tsv (one row per
# pass), NAME.out (stdout), NAME.err. The lenet98 binary is not a prerequisite: rebuilding
# it (every commit changes the revision baked into it) does not retrain anything; delete
# $R to start over.
#
# Environment: QUICK=1 (2 passes over 5,000 patterns, runs in build/runs-quick, figures in
# build/figures-quick), DATA (default data), FIGURES (where the figures go), JOBS (parallel
# runs when not under a make jobserver; default 2), SDLM_FLAGS (extra flags for every SDLM
# run, e.g. --eta-scale 0.1), LENET98 (default build/lenet98).
L=${LENET98:-build/lenet98}
DATA=${DATA:-data}
if [ "${QUICK:-0}" = 1 ]; then
    PASSES=2; TRAIN=5000; R=build/runs-quick; FIG=${FIGURES:-build/figures-quick}
else
    PASSES=20; TRAIN=60000; R=build/runs; FIG=${FIGURES:-figures}
fi
# the revision of the lenet98 binary (the tables' runs each carry their own in their logs)
REV=$(cat "$(dirname "$L")/revision" 2>/dev/null || echo unknown)
mkdir -p "$R" "$FIG" || exit 1
[ -x "$L" ] || { echo "$0: $L: not built (make)" >&2; exit 1; }

# run_rule MAKEFILE NAME ARGS...: appends the rule for run NAME (lenet98 train ARGS), trained
# through the shared run cache (experiments/train-run.sh, which links $R/NAME.bin and
# $R/NAME.bin.log.tsv to it), so a training another figure also needs is trained once
run_rule() {
    # (rr_ names: sh has no locals, and callers loop over a variable called name)
    rr_mk=$1; rr_name=$2; shift 2
    printf -- '--passes %s --train-size %s %s\n' "$PASSES" "$TRAIN" "$*" > "$R/$rr_name.cmd.new"
    if cmp -s "$R/$rr_name.cmd.new" "$R/$rr_name.cmd"; then rm -f "$R/$rr_name.cmd.new"
    else mv "$R/$rr_name.cmd.new" "$R/$rr_name.cmd"; fi
    printf '%s/%s.bin: %s/%s.cmd\n\t@LINK=%s/%s DATA=%s LENET98=%s experiments/train-run.sh $$(cat $<) > /dev/null\nall: %s/%s.bin\n' \
        "$R" "$rr_name" "$R" "$rr_name" "$R" "$rr_name" "$DATA" "$L" "$R" "$rr_name" >> "$rr_mk"
}

# run_make MAKEFILE: runs the rules, in parallel (the caller's jobserver, or -j$JOBS)
run_make() {
    case " $MAKEFLAGS" in
    *jobserver*|*" -j"*) ${MAKE:-make} -k -f "$1" all ;;
    *) ${MAKE:-make} -k -j"${JOBS:-2}" -f "$1" all ;;
    esac
}

# the rows of a run's log (no comments, no column header)
log_rows() { grep -v -e '^#' -e '^pass' "$R/$1.bin.log.tsv"; }
# the settings line of a run
log_settings() { sed -n 's/^# lenet98 train: //p' "$R/$1.bin.log.tsv"; }
