#!/bin/sh
# col.sh FILE.tsv COLUMN...: the named columns of a TSV file's rows, tab-separated, in the
# order asked. The header is the first line that is not a comment ('#'); comment and blank
# lines are skipped. A column missing from the header is an error (exit 2), so a new or
# renamed column never silently shifts what a driver reads. Used wherever a driver reads a
# training log (lenet98 train --log) or an `eval --dump`/`--reject-curve` table.
#   experiments/col.sh build/runs/KEY.log.tsv pass test_err | tail -1
[ $# -ge 2 ] || { echo "usage: col.sh FILE.tsv COLUMN..." >&2; exit 2; }
f=$1; shift
awk -F'\t' -v want="$*" -v f="$f" '
    BEGIN { n = split(want, w, " ") }
    /^#/ || /^$/ { next }
    !h { for (i = 1; i <= NF; i++) c[$i] = i
         for (k = 1; k <= n; k++)
             if (!(w[k] in c)) { printf "col.sh: %s: no column \"%s\" (header: %s)\n", f, w[k], $0 > "/dev/stderr"; bad = 1; exit 2 }
         h = 1; next }
    { line = $(c[w[1]]); for (k = 2; k <= n; k++) line = line "\t" $(c[w[k]]); print line }
    END { if (!h && !bad) { printf "col.sh: %s: no header line\n", f > "/dev/stderr"; exit 2 } }' "$f"
