#!/bin/sh
# prototypes.sh MODEL: the ten fixed 7x12 RBF codes and, under each, the mean F6 state of the
# correctly classified test digits of that class -> FIGDIR/prototypes.{dat,png}.
set -e
. "$(dirname "$0")/figlib.sh"
M=${1:?usage: prototypes.sh MODEL (an RBF-output model, e.g. the 1998 network)}
need "$M"
t0=$(date +%s)
"$B/inspect" prototypes "$M" "$DATA" "$FIGDIR"/prototypes.dat
stamp "$FIGDIR"/prototypes.dat $(( $(date +%s) - t0 ))
render prototypes
