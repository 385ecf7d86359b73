#!/bin/sh
# fig8.sh MODEL: every test digit MODEL gets wrong, labelled true->predicted, count in the title
# (the paper's Figure 8 shows 82) -> FIGDIR/fig8.{dat,png}.
set -e
. "$(dirname "$0")/figlib.sh"
M=${1:?usage: fig8.sh MODEL}
need "$M"
t0=$(date +%s)
"$B/inspect" fig8 "$M" "$DATA" "$FIGDIR"/fig8.dat
stamp "$FIGDIR"/fig8.dat $(( $(date +%s) - t0 ))
render fig8
