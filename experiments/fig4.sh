#!/bin/sh
# fig4.sh [N]: the first N (default 128) test digits as the network receives them (32x32 coded
# input), cf. the paper's Figure 4 -> FIGDIR/fig4.{dat,png}.
set -e
. "$(dirname "$0")/figlib.sh"
t0=$(date +%s)
"$B/inspect" fig4 "$DATA" "$FIGDIR"/fig4.dat ${1:-128}
stamp "$FIGDIR"/fig4.dat $(( $(date +%s) - t0 ))
render fig4
