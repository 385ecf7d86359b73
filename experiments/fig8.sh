#!/bin/sh
# fig8.sh MODEL [NAME WHAT]: every test digit MODEL gets wrong, labelled true->predicted, count
# and WHAT (the network, e.g. "the distortion-trained network") in the title (the paper's
# Figure 8 shows the 82 of its distortion-trained LeNet-5) -> FIGDIR/NAME.{dat,png}, NAME
# fig8 (default) or fig8u, both drawn by figures/fig8.gp.
set -e
. "$(dirname "$0")/figlib.sh"
M=${1:?usage: fig8.sh MODEL [NAME WHAT]}
N=${2:-fig8}
WHAT=${3:-}
need "$M"
t0=$(date +%s)
"$B/inspect" fig8 "$M" "$DATA" "$FIGDIR/$N.dat"
[ -n "$WHAT" ] && { { echo "# network: $WHAT"; cat "$FIGDIR/$N.dat"; } > "$FIGDIR/$N.dat.tmp" && mv "$FIGDIR/$N.dat.tmp" "$FIGDIR/$N.dat"; }
stamp "$FIGDIR/$N.dat" $(( $(date +%s) - t0 ))
plot_as "$N" fig8
