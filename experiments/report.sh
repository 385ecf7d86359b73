#!/bin/sh
# report.sh: writes FIGDIR/REPORT.md (FIGDIR: default figures; QUICK=1 gives build/quick), the paper-vs-reproduction report: a table of every
# published number we reproduce (paper values from experiments/paper/results-1998.tsv), each
# with the command, seed, revision and wall time that produced ours, then every figure in
# figures/. Inputs that do not exist yet give "not run" rows; no number is ever made up.
# Inputs (environment, defaults in brackets):
#   FIG5_LOG  the train log TSV of the Fig. 5 run  [build/runs/fig5.bin.log.tsv]
#   DIST_LOG  the train log TSV of the distortion run  [build/runs/distort.bin.log.tsv]
#   FIG6_DAT  Fig. 6 points: a TSV with a header naming a size column (size, train_size or n;
#             patterns or thousands), and train/test error columns (names containing
#             "train" and "test")  [figures/fig6.dat]
#   FIGDIR/fig9.dat fig11.dat fig12.dat rejection.dat  (experiments/compare.sh, rejection.sh)
#   FIGDIR    where the figures are and the report goes  [figures; QUICK=1: build/quick]
set -e
P=experiments/paper/results-1998.tsv
FIG5_LOG=${FIG5_LOG:-build/runs/fig5.bin.log.tsv}
DIST_LOG=${DIST_LOG:-build/runs/distort.bin.log.tsv}
FIGDIR=${FIGDIR:-figures}
[ "${QUICK:-0}" = 1 ] && [ "$FIGDIR" = figures ] && FIGDIR=build/quick
FIG6_DAT=${FIG6_DAT:-$FIGDIR/fig6.dat}
OUT=$FIGDIR/REPORT.md
mkdir -p "$FIGDIR"
machine=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
cores=$(nproc 2>/dev/null || echo '?')
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

paper() { # FIGURE SERIES [X] -> the value
    awk -F'\t' -v f="$1" -v s="$2" -v x="${3:-}" '$1 == f && $2 == s && (x == "" || $3 == x) { print $4; exit }' "$P"
}
# the settings line, revision, seed, total seconds and the last row of a train log
logmeta() { # LOG -> "cmd|rev|seed|seconds"
    awk -F'\t' '
        /^# lenet98 train: / { sub(/^# lenet98 train: /, ""); cmd = $0; n = split($0, a, " ");
                               for (i = 1; i <= n; i++) if (a[i] ~ /^seed=/) seed = substr(a[i], 6) }
        /^# revision / { rev = $0; sub(/^# revision /, "", rev) }
        /^[0-9]/ { secs += $10 }
        END { printf "lenet98 train %s|%s|%s|%.0f s\n", cmd, rev, seed, secs }' "$1"
}
logcol() { # LOG PASS COLUMN -> value in that pass's row ("" if the pass is not there)
    awk -F'\t' -v p="$2" -v c="$3" '/^[0-9]/ && $1 == p { print $c }' "$1"
}
lastpass() { awk -F'\t' '/^[0-9]/ { p = $1 } END { print p }' "$1"; }
row() { # WHAT PAPER OURS CMD SEED REV WALL
    printf '| %s | %s | %s | `%s` | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}
notrun() { row "$1" "$2" "not run" "$3" "-" "-" "-"; }
datmeta() { # DAT -> "cmd|rev|wall" from the headers our drivers write
    awk '/^# command: / { sub(/^# command: /, ""); c = $0 }
         /revision / { for (i = 1; i <= NF; i++) if ($i == "revision") { r = $(i + 1); sub(/[;,]$/, "", r) } }
         /^# wall seconds / { w = $4; sub(/;$/, "", w) }
         END { printf "%s|%s|%s s\n", c, r, w }' "$1"
}
datval() { # DAT LABEL -> value
    awk -F'\t' -v l="$2" '$1 == l { print $2; exit }' "$1"
}

{
echo "# LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998): paper vs this reproduction"
echo
quick=""; [ "${QUICK:-0}" = 1 ] && quick=" (QUICK=1: a small version of the experiments, not the paper's settings)"
echo "Written by \`experiments/report.sh\` (\`make report\`) at revision \`$rev\`$quick; each row names the revision of the binary that trained it."
echo "Machine where the report was written: ${machine:-unknown CPU}, $cores cores. The training logs do not record"
echo "the machine they ran on; wall times are theirs (sum of the per-pass seconds)."
echo "Paper numbers: \`$P\` (printed = in the text or on a figure; digitised = read off a curve,"
echo "about +-0.02 points). \"not run\" means the experiment's output is missing: nothing is filled in."
echo
echo "## Paper vs this reproduction"
echo
echo "| quantity | paper | this reproduction | command | seed | revision | wall time |"
echo "|---|---|---|---|---|---|---|"

# ---- Figure 5
if [ -f "$FIG5_LOG" ]; then
    IFS='|' read -r cmd lrev seed wall <<X
$(logmeta "$FIG5_LOG")
X
    lp=$(lastpass "$FIG5_LOG")
    row "Fig. 5: test error after 20 passes (%)" "$(paper fig5 text_test_final 20) (printed)" \
        "$( [ "$lp" -ge 20 ] && logcol "$FIG5_LOG" 20 8 || echo "not run (log ends at pass $lp: $(logcol "$FIG5_LOG" "$lp" 8) there)")" "$cmd" "$seed" "$lrev" "$wall"
    v=$(logcol "$FIG5_LOG" 19 6)
    row "Fig. 5: on-the-fly training error after 19 passes (%)" "$(paper fig5 text_train_after_19 19) (printed)" \
        "${v:-not run (no pass 19)}" "$cmd" "$seed" "$lrev" "$wall"
    row "Fig. 5: first-pass eps_k range" "about 7e-5 to 0.016 (Sec. III-B text; not in the TSV)" \
        "$(logcol "$FIG5_LOG" 1 3) to $(logcol "$FIG5_LOG" 1 5) (median $(logcol "$FIG5_LOG" 1 4))" "$cmd" "$seed" "$lrev" "$wall"
else
    notrun "Fig. 5: test error after 20 passes (%)" "$(paper fig5 text_test_final 20) (printed)" "$FIG5_LOG missing"
    notrun "Fig. 5: on-the-fly training error after 19 passes (%)" "$(paper fig5 text_train_after_19 19) (printed)" "$FIG5_LOG missing"
    notrun "Fig. 5: first-pass eps_k range" "about 7e-5 to 0.016 (Sec. III-B text)" "$FIG5_LOG missing"
fi

# ---- Figure 6
f6=""
if [ -f "$FIG6_DAT" ]; then
    # block 0 of fig6.dat (experiments/fig6.sh): size_thousands train_err test_err passes run;
    # each run's command and revision are in a header line "# RUN: COMMAND (revision R)"
    f6=$(awk -F'\t' '
        /^# fig6\/n[0-9]+\/s[0-9]+: / { split($0, a, ": "); name = substr(a[1], 3); c = $0
               sub(/^# [^:]*: /, "", c); r = c; sub(/ \(.*$/, "", c); sub(/.*revision /, "", r)
               sub(/\)$/, "", r); cmd[name] = c; rv[name] = r; next }
        /^#/ { next }
        /^$/ { blank++; next }
        blank == 0 { s = "-"; if (cmd[$5] ~ /--seed /) { s = cmd[$5]; sub(/.*--seed /, "", s); sub(/ .*/, "", s) }
                     printf "%g|%s|%s|%s|%s|%s\n", $1, $2, $3, cmd[$5], s, rv[$5] }' "$FIG6_DAT")
fi
for k in 15 30 60; do
    line=$(echo "$f6" | awk -F'|' -v k=$k '$1 + 0 == k')
    if [ -n "$line" ]; then
        IFS='|' read -r _ tr te cmd seed frev <<X
$line
X
        row "Fig. 6: test error, $k thousand training patterns (%)" "$(paper fig6 test $k) (digitised)" "$te" "$cmd" "${seed:--}" "${frev:--}" "see $FIG6_DAT"
        row "Fig. 6: training error, $k thousand training patterns (%)" "$(paper fig6 train $k) (digitised)" "$tr" "$cmd" "${seed:--}" "${frev:--}" "see $FIG6_DAT"
    else
        notrun "Fig. 6: test error, $k thousand training patterns (%)" "$(paper fig6 test $k) (digitised)" "$FIG6_DAT: no $k thousand point"
        notrun "Fig. 6: training error, $k thousand training patterns (%)" "$(paper fig6 train $k) (digitised)" "$FIG6_DAT: no $k thousand point"
    fi
done

# ---- distortions
if [ -f "$DIST_LOG" ]; then
    IFS='|' read -r cmd lrev seed wall <<X
$(logmeta "$DIST_LOG")
X
    lp=$(lastpass "$DIST_LOG")
    row "Distortions: test error, 60,000 + 540,000 distorted, 20 passes (%)" "$(paper fig6 text_test_dist 60) (printed)" \
        "$(logcol "$DIST_LOG" "$lp" 8) (after pass $lp)" "$cmd" "$seed" "$lrev" "$wall"
else
    notrun "Distortions: test error (%)" "$(paper fig6 text_test_dist 60) (printed)" "$DIST_LOG missing"
fi

# ---- Figures 9-12
if [ -f $FIGDIR/fig9.dat ]; then
    IFS='|' read -r cmd frev wall <<X
$(datmeta $FIGDIR/fig9.dat)
X
    row "Fig. 9: LeNet-5 test error (%)" "$(paper fig9 LeNet-5)" "$(datval $FIGDIR/fig9.dat 'LeNet-5 1998 (this reproduction)')" "$cmd" "model's" "$frev" "$wall"
    v=$(datval $FIGDIR/fig9.dat 'modern variant (this reproduction)')
    row "Fig. 9: modern variant test error (%)" "- (not in the paper)" "${v:-not run}" "$cmd" "model's" "$frev" "$wall"
else
    notrun "Fig. 9: LeNet-5 test error (%)" "$(paper fig9 LeNet-5)" "experiments/compare.sh"
fi
if [ -f $FIGDIR/rejection.dat ]; then
    IFS='|' read -r cmd frev wall <<X
$(datmeta $FIGDIR/rejection.dat)
X
    for s in lenet5 modern; do
        v=$(awk -F'\t' -v s=$s '$1 == s { printf "%s%% rejected (threshold gap %s)", $2, $4 }' $FIGDIR/rejection.dat)
        row "Fig. 10: % rejected to reach 0.5% error, $s" "- (LeNet-5 is not in Fig. 10; LeNet-4: $(paper fig10 LeNet-4))" "${v:-not run}" "$cmd" "model's" "$frev" "$wall"
    done
else
    notrun "Fig. 10: % rejected to reach 0.5% error" "- (LeNet-5 is not in Fig. 10)" "experiments/rejection.sh"
fi
for f in fig11 fig12; do
    what="Fig. 11: multiply-adds per digit (thousands)"; [ $f = fig12 ] && what="Fig. 12: memory, parameters (thousands)"
    if [ -f $FIGDIR/$f.dat ]; then
        IFS='|' read -r cmd frev wall <<X
$(datmeta $FIGDIR/$f.dat)
X
        row "$what" "$(paper $f LeNet-5)" "$(datval $FIGDIR/$f.dat 'LeNet-5 1998 (this reproduction)'); modern $(datval $FIGDIR/$f.dat 'modern variant (this reproduction)')" "lenet98 info" "-" "$frev" "-"
    else
        notrun "$what" "$(paper $f LeNet-5)" "experiments/compare.sh"
    fi
done
echo
echo "Seeds: the training seed is in each command (\`seed=\`); \"model's\" means the seed stored in"
echo "the model file, printed in the header of the .dat."
echo
echo "**Why 332,824 multiply-adds and not 401 thousand (Fig. 11).** \`lenet98 info\` counts one"
echo "multiply-add per weight use: C1 117,600 (6x28x28 units x 25), S2 4,704 (6x14x14 x 4 inputs),"
echo "C3 150,000 (10x10 x 60 map pairs x 25), S4 1,600, C5 48,000, F6 10,080, RBF 840 (10 x 84"
echo "squared differences); biases, the subsampling coefficient and the squashing function are not"
echo "counted. The paper does not give its counting rule. Its 401 thousand"
echo "is close to the 340,908 connections (biases included) plus the 60,000 parameters (400,908),"
echo "which may be a coincidence; the modern variant (full C3) counts 422,824."
echo
echo "## Figures"
echo
for p in "$FIGDIR"/*.png; do
    [ -f "$p" ] || continue
    n=$(basename "$p" .png)
    echo "### $n"
    echo
    [ -f "figures/$n.gp" ] && sed -n '1{s/^# *//; s/^[a-z0-9]*\.gp: *//; p}' "figures/$n.gp" && echo
    echo "![$n]($n.png)"
    echo
done
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
