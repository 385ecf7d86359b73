# shellcheck shell=sh
# figlib.sh: what the experiment drivers share (sourced, not run).
# Where things go: FIGDIR (default figures; `make reproduce QUICK=1` passes build/quick, so a
# QUICK preview never touches figures/). Each driver writes FIGDIR/NAME.dat (or .tsv) and
# draws FIGDIR/NAME.png from the static figures/NAME.gp, which gnuplot runs inside FIGDIR:
# the scripts read NAME.dat and write NAME.png (.svg) in the current directory. Under QUICK=1
# every figure carries a red "QUICK preview" label in its top left corner (set before the
# script runs, so the scripts need no change).
B=${B:-build}
DATA=${DATA:-data}
QUICK=${QUICK:-0}
FIGDIR=${FIGDIR:-figures}
[ "$QUICK" = 1 ] && [ "$FIGDIR" = figures ] && FIGDIR=build/quick
# the job lists (experiments/jobs.sh has the same default)
if [ "$QUICK" = 1 ]; then JOBS_DIR=${JOBS_DIR:-build/quick/jobs}; else JOBS_DIR=${JOBS_DIR:-build/jobs}; fi
export JOBS_DIR
LENET98=${LENET98:-$B/lenet98}
ROOT=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd)
[ -f "$ROOT/figures/fig5.gp" ] || ROOT=$(pwd)   # sourced by `sh -c` from the top (make fig7)
mkdir -p "$FIGDIR"
# plot NAME: FIGDIR/NAME.png (and what else the script draws) from figures/NAME.gp
plot() { plot_as "$1" "$1"; }
render() { plot "$@"; }
# plot_as NAME GP: FIGDIR/NAME.png from figures/GP.gp run with name = "NAME" set first (one
# script drawing several figures of the same kind; scripts that draw one ignore it)
plot_as() {
    pre="name = '$1'"
    [ "$QUICK" = 1 ] && pre="$pre; quick = 1; set label 9999 'QUICK preview' at screen 0.01,0.975 left front textcolor rgb 'red' font ',9'"
    ( cd "$FIGDIR" && gnuplot -e "$pre" "$ROOT/figures/$2.gp" 2>&1 | grep -v 'missing or undefined values' >&2 ) || true
    [ -s "$FIGDIR/$1.png" ] || { echo "$0: $FIGDIR/$1.png was not drawn" >&2; exit 1; }
    echo "$FIGDIR/$1.png"
}
# logset LOG KEY: KEY's value in LOG's settings line ("# lenet98 train: settings=3 ... KEY=V
# ..."; every key, always), "" when there is none
logset() { sed -n 's/^# lenet98 train: //p' "$1" | head -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# the on-the-fly training error (%) of a diverged pass: where lenet98 train --stop-diverged
# stops a run (LENET_DIVERGED_ERR in lenet98/trainer.h)
DIVERGED_ERR=80
need() { [ -f "$1" ] || { echo "$0: $1: no such file" >&2; exit 1; }; }
# prepend a header line to a written .dat: wall time of the driver, machine
stamp() { # FILE SECONDS
    { echo "# wall seconds $2; machine $(machine)"; cat "$1"; } > "$1.tmp" && mv "$1.tmp" "$1"
}
machine() {
    m=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
    echo "${m:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores"
}
quick_note() { [ "$QUICK" = 1 ] && echo " QUICK=1" || true; }
# run EXP NAME: the files of run NAME of experiment EXP (experiments/jobs.sh path): echo the
# base, so $(run fig5 fig5/map/s1).log.tsv is its log, .bin its model
run() { experiments/jobs.sh path "$1" "$2"; }
# HSEEDS: the seeds of each headline number (Figures 5 and 6, the distortion run): seeds 1..HSEEDS,
# default 5 (QUICK=1: 2)
if [ "$QUICK" = 1 ]; then HSEEDS=${HSEEDS:-2}; else HSEEDS=${HSEEDS:-5}; fi
case $HSEEDS in ''|*[!0-9]*|0) echo "$0: HSEEDS='$HSEEDS' is not a positive integer" >&2; exit 2 ;; esac
seeds() { sd_i=1; while [ "$sd_i" -le "$HSEEDS" ]; do echo "$sd_i"; sd_i=$((sd_i + 1)); done; }
# meansd: "n<TAB>mean<TAB>sd" (GSL, experiments/stats.c) of the numbers on stdin; "0 NaN NaN"
# when there is none (a NaN, as --eval last writes for passes not evaluated, counts as none)
meansd() {
    ms_v=$(grep -v -i '^-\{0,1\}nan$' | grep . || true)
    if [ -z "$ms_v" ]; then printf '0\tNaN\tNaN\n'; else echo "$ms_v" | "${STATS:-$B/stats}"; fi
}
# seedrow QUANTITY PAPER VALUES...: one row of a seeds table (quantity, paper, seeds, by_seed,
# mean, sd, sigmas = (paper - mean) / sd, "-" where it cannot be computed)
seedrow() { # (its variables start with sr_: sh has no locals, and callers loop over n, s, ...)
    sr_q=$1 sr_p=$2; shift 2
    sr_st=$(echo "$@" | tr ' ' '\n' | meansd)
    sr_n=$(echo "$sr_st" | cut -f1) sr_m=$(echo "$sr_st" | cut -f2) sr_sd=$(echo "$sr_st" | cut -f3)
    sr_sig=$(awk -v p="$sr_p" -v m="$sr_m" -v s="$sr_sd" 'BEGIN { if (p == "-" || p == "" || s + 0 <= 0 || m == "NaN") print "-"; else printf "%+.1f\n", (p - m) / s }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sr_q" "${sr_p:--}" "$sr_n" "$(echo "$@" | tr ' ' ',')" "$sr_m" "$sr_sd" "$sr_sig"
}
# seedtsv FILE WHAT DRIVER LOG: writes FILE (temp file, then rename) from the seedrow lines on
# stdin, under a header naming WHAT, the driver and the revision of the train log LOG
seedtsv() {
    {
        echo "# $(basename "$1"): $2 over seeds 1..$HSEEDS (errors in percent; sd: sample sd, GSL; sigmas: (paper - mean) / sd)"
        echo "# command: make reproduce$(quick_note) (experiments/$3); revision $(grep -m1 '^# revision' "$4" | cut -d' ' -f3)"
        echo "quantity	paper	seeds	by_seed	mean	sd	sigmas"
        cat
    } > "$1.tmp"
    mv "$1.tmp" "$1"
    echo "$1"
}
# paperval FIGURE SERIES [X]: the paper's value (experiments/paper/results-1998.tsv), or ""
paperval() {
    awk -F'\t' -v f="$1" -v s="$2" -v x="${3:-}" '$1 == f && $2 == s && (x == "" || $3 == x) { print $4; exit }' \
        "$ROOT/experiments/paper/results-1998.tsv"
}
# chance NAME TEST_ERR: "chance" (and a warning line) if a run ended at chance level (test
# error >= 80%: 88.65% is one constant class), else "-"; the tables carry it in a column
chance() {
    if awk -v e="$2" 'BEGIN { exit !(e + 0 >= 80) }'; then
        echo "WARNING: $1 ended at chance level (test error $2%): it did not learn" >&2
        echo chance
    else echo -; fi
}
