#!/bin/sh
# maps.sh MODEL [INDEX]: "LeNet-5 in action" for test digit INDEX (default $MAPS_INDEX, else 0):
# input, C1, S2, C3, S4 maps, the F6 state as a 7x12 image, the ten outputs
# -> FIGDIR/maps.{dat,png}.
set -e
. "$(dirname "$0")/figlib.sh"
M=${1:?usage: maps.sh MODEL [INDEX]}
I=${2:-${MAPS_INDEX:-0}}
need "$M"
t0=$(date +%s)
"$B/inspect" maps "$M" "$DATA" "$FIGDIR"/maps.dat "$I"
stamp "$FIGDIR"/maps.dat $(( $(date +%s) - t0 ))
render maps
