# figlib.sh: what the figure drivers of issue 6 share (sourced, not run).
# render NAME: draws figures/NAME.png from figures/NAME.gp and figures/NAME.dat (gnuplot's
# warning about NaN, which marks the gaps of a mosaic, is dropped).
B=${B:-build}
DATA=${DATA:-data}
render() {
    ( cd figures && gnuplot "$1.gp" 2>&1 | grep -v 'missing or undefined values' >&2 ) || true
    [ -s "figures/$1.png" ] || { echo "$0: figures/$1.png was not drawn" >&2; exit 1; }
    echo "figures/$1.png"
}
need() { [ -f "$1" ] || { echo "$0: $1: no such file" >&2; exit 1; }; }
# prepend a header line to a written .dat: wall time of the driver, machine
stamp() { # FILE SECONDS
    { echo "# wall seconds $2; machine $(machine)"; cat "$1"; } > "$1.tmp" && mv "$1.tmp" "$1"
}
machine() {
    m=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
    echo "${m:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores"
}
