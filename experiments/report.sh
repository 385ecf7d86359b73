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
# the command, revision, seed and total seconds of a train log (columns by name: col.sh); the
# command is the run's flags from its job file (BASE.job, jobs.sh: "KEY NAME lenet98 train
# FLAGS"), which run as they are given -o MODEL, else the log's settings line
logmeta() { # LOG -> "cmd|rev|seed|seconds"
    secs=$(experiments/col.sh "$1" seconds | awk '{ s += $1 } END { printf "%.0f", s }')
    job=${1%.log.tsv}.job flags=""
    [ -f "$job" ] && flags=$(cut -d' ' -f3- "$job" | sed 's/[ \t]*$//')
    awk -F'\t' -v secs="$secs" -v flags="$flags" '
        /^# lenet98 train: / { sub(/^# lenet98 train: /, ""); sub(/[ \t]+$/, ""); cmd = "lenet98 train " $0; n = split($0, a, " ");
                               for (i = 1; i <= n; i++) if (a[i] ~ /^seed=/) seed = substr(a[i], 6) }
        /^# revision / { rev = $0; sub(/^# revision /, "", rev) }
        END { if (flags != "") cmd = flags
              printf "%s|%s|%s|%s s\n", cmd, rev, seed, secs }' "$1"
}
logcol() { # LOG PASS COLUMN -> value of the named column in that pass's row ("" if the pass is not there)
    experiments/col.sh "$1" pass "$3" | awk -F'\t' -v p="$2" '$1 == p { print $2 }'
}
lastpass() { experiments/col.sh "$1" pass | tail -1; }
# shellcheck disable=SC2016  # the backquotes are Markdown, not a command
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
# the wall time behind a number read from a trained model: the model's training (the sum of its
# log's per-pass seconds) plus the driver's own seconds (a .dat's "# wall seconds", often < 1)
modelwall() { # MODEL DRIVER_WALL("N s") -> "training N s + evaluation M s"
    w=${2% s}; case $w in ''|0) w="<1" ;; esac
    l=${1%.bin}.log.tsv; [ -f "$l" ] || l=$1.log.tsv   # jobs.sh: BASE.bin, BASE.log.tsv
    if [ -f "$l" ]; then
        t=$(experiments/col.sh "$l" seconds | awk '{ s += $1 } END { printf "%.0f", s }')
        echo "training $t s + evaluation $w s"
    else echo "evaluation $w s (training: no log ${1%.bin}.log.tsv)"; fi
}
# the N-th model path named in a .dat's command line (experiments/compare.sh M1 M2)
datmodel() { # CMD N
    echo "$1" | tr ' ' '\n' | grep '\.bin$' | sed -n "$2p"
}
tab=$(printf '\t')
head_has() { # TSV COLUMN: does the header line name it
    awk -F'\t' -v w="$2" '/^#/ || /^$/ { next } { for (i = 1; i <= NF; i++) if ($i == w) f = 1; exit } END { exit !f }' "$1"
}
chance_note() { # FLAG (a table's flag column, written by experiments/figlib.sh chance) -> note
    [ "$1" = chance ] && printf ' (chance level: did not learn)' || true
}
datrev() { # FILE -> the revision named in its header lines
    awk '/^#/ { for (i = 1; i <= NF; i++) if ($i == "revision") { r = $(i + 1); sub(/[;,]$/, "", r) } } END { print (r == "" ? "-" : r) }' "$1"
}
datval() { # DAT LABEL -> value
    awk -F'\t' -v l="$2" '$1 == l { print $2; exit }' "$1"
}

{
if [ "${QUICK:-0}" = 1 ]; then
    echo "**QUICK preview** (\`make reproduce QUICK=1\`): 2 passes over a few thousand patterns; these"
    echo "numbers are a smoke test of the pipeline, not a reproduction of the paper."
    echo
fi
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
        "$( [ "$lp" -ge 20 ] && logcol "$FIG5_LOG" 20 test_err || echo "not run (log ends at pass $lp: $(logcol "$FIG5_LOG" "$lp" test_err) there)")" "$cmd" "$seed" "$lrev" "$wall"
    v=$(logcol "$FIG5_LOG" 19 otf_train_err)
    row "Fig. 5: on-the-fly training error after 19 passes (%)" "$(paper fig5 text_train_after_19 19) (printed)" \
        "${v:-not run (no pass 19)}" "$cmd" "$seed" "$lrev" "$wall"
    row "Fig. 5: first-pass eps_k range" "about 7e-5 to 0.016 (Sec. III-B text; not in the TSV)" \
        "$(logcol "$FIG5_LOG" 1 eps_min) to $(logcol "$FIG5_LOG" 1 eps_max) (median $(logcol "$FIG5_LOG" 1 eps_median))" "$cmd" "$seed" "$lrev" "$wall"
else
    notrun "Fig. 5: test error after 20 passes (%)" "$(paper fig5 text_test_final 20) (printed)" "$FIG5_LOG missing"
    notrun "Fig. 5: on-the-fly training error after 19 passes (%)" "$(paper fig5 text_train_after_19 19) (printed)" "$FIG5_LOG missing"
    notrun "Fig. 5: first-pass eps_k range" "about 7e-5 to 0.016 (Sec. III-B text)" "$FIG5_LOG missing"
fi

# ---- Figure 6
# fig6.dat (experiments/fig6.sh): blocks separated by blank lines, block 0 ours plain, block 1
# ours distorted; each block's columns are named in its "# size_thousands ..." line; each run's
# command and revision in a header line "# RUN: COMMAND (revision R)". Every size that ran
# gets a row (QUICK runs 1.5..5 thousand, which the paper does not have).
f6=""
if [ -f "$FIG6_DAT" ]; then
    f6=$(awk -F'\t' '
        /^# [^ ]+: lenet98 train / { name = $0; sub(/^# /, "", name); sub(/: .*/, "", name)
               c = $0; sub(/^# [^:]*: /, "", c); r = c; sub(/ \(revision .*$/, "", c); sub(/[ \t]+$/, "", c)
               sub(/.*\(revision /, "", r); sub(/\).*$/, "", r); cmd[name] = c; rv[name] = r; next }
        /^# size_thousands/ { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
        /^#/ { next }
        /^$/ { if (seen) { blank++; seen = 0 } next }
        { seen = 1; run = $(col["run"]); s = "-"
          if (cmd[run] ~ /--seed /) { s = cmd[run]; sub(/.*--seed /, "", s); sub(/ .*/, "", s) }
          fl = ("flag" in col) ? $(col["flag"]) : "-"
          # the points are means over the seeds (the seeds column); the command is of seed 1
          ns = ("seeds" in col) ? $(col["seeds"]) : 1
          mn = ns > 1 ? sprintf(" (mean of %d seeds; by seed below)", ns) : ""
          if (ns > 1) s = "1.." ns
          printf "%s|%g|%s|%s|%s|%s|%s|%s\n", blank == 0 ? "plain" : "dist", $(col["size_thousands"]),
                 $(col["train_err"]) mn, $(col["test_err"]) mn, cmd[run], s, rv[run], fl }' "$FIG6_DAT")
fi
for k in 15 30 60; do echo "$f6" | grep -q "^plain|$k|" || f6="$f6
missing|$k"; done
echo "$f6" | sort -t'|' -k2,2g | while IFS='|' read -r kind k tr te cmd seed frev fl; do
    if [ -z "$kind" ] || [ "$kind" = dist ]; then continue; fi
    pt=$(paper fig6 test "$k"); pr=$(paper fig6 train "$k")
    pt=${pt:+$pt (digitised)}; pr=${pr:+$pr (digitised)}
    if [ "$kind" = missing ] && [ "${QUICK:-0}" = 1 ]; then
        row "Fig. 6: test error, $k thousand training patterns (%)" "$pt" "- (QUICK runs smaller sizes: rows above)" "-" "-" "-" "-"
        continue
    elif [ "$kind" = missing ]; then
        notrun "Fig. 6: test error, $k thousand training patterns (%)" "$pt" "$FIG6_DAT: no $k thousand point"
        notrun "Fig. 6: training error, $k thousand training patterns (%)" "$pr" "$FIG6_DAT: no $k thousand point"
        continue
    fi
    [ "$fl" = chance ] && te="$te (chance level: did not learn)"
    row "Fig. 6: test error, $k thousand training patterns (%)" "${pt:-- (not a size in the paper)}" "$te" "$cmd" "${seed:--}" "${frev:--}" "see $FIG6_DAT"
    row "Fig. 6: training error, $k thousand training patterns (%)" "${pr:-- (not a size in the paper)}" "$tr" "$cmd" "${seed:--}" "${frev:--}" "see $FIG6_DAT"
done

# ---- distortions
if [ -f "$DIST_LOG" ]; then
    IFS='|' read -r cmd lrev seed wall <<X
$(logmeta "$DIST_LOG")
X
    lp=$(lastpass "$DIST_LOG")
    row "Distortions: test error, 60,000 + 540,000 distorted, 20 passes (%)" "$(paper fig6 text_test_dist 60) (printed)" \
        "$(logcol "$DIST_LOG" "$lp" test_err) (after pass $lp)" "$cmd" "$seed" "$lrev" "$wall"
else
    notrun "Distortions: test error (%)" "$(paper fig6 text_test_dist 60) (printed)" "$DIST_LOG missing"
fi

# ---- Figure 8: the misclassified test digits (fig8.dat: the distortion-trained network, as
# in the paper; fig8u.dat: the undistorted one)
for f in fig8 fig8u; do
    if [ -f "$FIGDIR/$f.dat" ]; then
        IFS='|' read -r cmd frev wall <<X
$(datmeta "$FIGDIR/$f.dat")
X
        what=$(sed -n 's/^# network: //p' "$FIGDIR/$f.dat")
        v=$(sed -n 's/^# errors \([0-9]*\) of .*/\1/p' "$FIGDIR/$f.dat")
        pv="- (the paper's 82 are its distortion-trained network's)"; [ "$f" = fig8 ] && pv=82
        row "Fig. 8: misclassified test digits, ${what:-the network}" "$pv" "${v:-?}" "$cmd" "model's" "$frev" "$(modelwall "$(datmodel "$cmd" 1)" "$wall")"
    fi
done

# ---- Figures 9-12
if [ -f "$FIGDIR"/fig9.dat ]; then
    IFS='|' read -r cmd frev wall <<X
$(datmeta "$FIGDIR"/fig9.dat)
X
    row "Fig. 9: LeNet-5 test error (%)" "$(paper fig9 LeNet-5)" "$(datval "$FIGDIR"/fig9.dat 'LeNet-5 1998 (this reproduction)')" "$cmd" "model's" "$frev" "$(modelwall "$(datmodel "$cmd" 1)" "$wall")"
    v=$(datval "$FIGDIR"/fig9.dat 'modern variant (this reproduction)')
    row "Fig. 9: modern variant test error (%)" "- (not in the paper)" "${v:-not run}" "$cmd" "model's" "$frev" "$(modelwall "$(datmodel "$cmd" 2)" "$wall")"
    v=$(datval "$FIGDIR"/fig9.dat '[dist] LeNet-5 1998 (this reproduction)')
    row "Fig. 9: [dist] LeNet-5 test error (%)" "$(paper fig9 '[dist] LeNet-5')" "${v:-not run}" "$cmd" "model's" "$frev" "$(modelwall "$(datmodel "$cmd" 3)" "$wall")"
else
    notrun "Fig. 9: LeNet-5 test error (%)" "$(paper fig9 LeNet-5)" "experiments/compare.sh"
fi
if [ -f "$FIGDIR"/rejection.dat ]; then
    IFS='|' read -r cmd frev wall <<X
$(datmeta "$FIGDIR"/rejection.dat)
X
    m=0
    for s in lenet5 modern; do
        m=$((m + 1))
        v=$(awk -F'\t' -v s="$s" '$1 == s { printf "%s%% rejected (threshold gap %s)", $2, $4 }' "$FIGDIR"/rejection.dat)
        row "Fig. 10: % rejected to reach 0.5% error, $s" "- (LeNet-5 is not in Fig. 10; LeNet-4: $(paper fig10 LeNet-4))" "${v:-not run}" "$cmd" "model's" "$frev" "$(modelwall "$(datmodel "$cmd" $m)" "$wall")"
    done
else
    notrun "Fig. 10: % rejected to reach 0.5% error" "- (LeNet-5 is not in Fig. 10)" "experiments/rejection.sh"
fi
for f in fig11 fig12; do
    what="Fig. 11: multiply-adds per digit (thousands)"; [ $f = fig12 ] && what="Fig. 12: memory, parameters (thousands)"
    if [ -f "$FIGDIR"/$f.dat ]; then
        IFS='|' read -r cmd frev wall <<X
$(datmeta "$FIGDIR"/$f.dat)
X
        row "$what" "$(paper $f LeNet-5)" "$(datval "$FIGDIR"/$f.dat 'LeNet-5 1998 (this reproduction)'); modern $(datval "$FIGDIR"/$f.dat 'modern variant (this reproduction)')" "lenet98 info" "-" "$frev" "-"
    else
        notrun "$what" "$(paper $f LeNet-5)" "experiments/compare.sh"
    fi
done
# ---- the modern variant, the ablation, the SDLM trap (not in the paper); columns by name
T=$FIGDIR/modern.tsv
if [ -f "$T" ]; then
    fl=flag; head_has "$T" flag || fl=net   # older tables have no flag column
    experiments/col.sh "$T" net test_err train_err seconds "$fl" | while IFS="$tab" read -r net te tr secs flag; do
        [ "$fl" = flag ] || flag=-
        set1=$(sed -n "s/^# $net: //p" "$T" | head -1)
        seed=$(echo "$set1" | tr ' ' '\n' | sed -n 's/^seed=//p')
        pv="- (not in the paper)"; [ "$net" = lenet5 ] && pv="$(paper fig9 LeNet-5) (Fig. 9)"
        row "modern.tsv: $net test error (training error) after the last pass (%)" "$pv" "$te ($tr)$(chance_note "$flag")" \
            "lenet98 train $set1" "${seed:--}" "$(datrev "$T")" "$(printf '%.0f' "$secs") s"
    done
else
    notrun "modern.tsv: the 1998 net and the modern variant" "- (not in the paper)" "experiments/modern.sh"
fi
T=$FIGDIR/ablation.tsv
if [ -f "$T" ]; then
    fl=flag; head_has "$T" flag || fl=step   # older tables have no flag column
    # col.sh takes names without spaces: "settings(seed 1)" is read here by its header name
    awk -F'\t' -v fl="$fl" '/^#/ || /^$/ { next }
        !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
        { print $c["step"] "\t" $c["name"] "\t" $c["change"] "\t" $c["seeds"] "\t" $c["test_mean"] "\t" $c["test_sd"] "\t" \
                $c["test_by_seed"] "\t" $c[fl] "\t" $c["settings(seed 1)"] }' "$T" |
    while IFS="$tab" read -r st name what n tm tsd by flag set1; do
        [ "$fl" = flag ] || flag=-
        [ "$flag" = chance ] && flag="; chance level: a seed did not learn"
        [ "$flag" = - ] && flag=""
        pv="- (not in the paper)"; [ "$name" = lenet5 ] && pv="$(paper fig9 LeNet-5) (Fig. 9)"
        row "ablation.tsv: step $st $name, $what: test error, mean +- sd over $n seed(s) (%)" "$pv" "$tm +- $tsd (seeds: $by)$flag" \
            "lenet98 train $set1" "1..$n" "$(datrev "$T")" "-"
    done
else
    notrun "ablation.tsv: 1998 -> modern one change at a time" "- (not in the paper)" "experiments/ablation.sh"
fi
T=$FIGDIR/trap.tsv
if [ -f "$T" ]; then
    tc=$(sed -n 's/^# command: .*every run: //; s/ + the flags.*//p' "$T" | head -1)
    fl=flag; head_has "$T" flag || fl=run   # older tables have no flag column
    experiments/col.sh "$T" run flags pass test_err otf_train_err "$fl" | awk -F'\t' '{ last[$1] = $0; if (!($1 in o)) { o[$1] = ++n; k[n] = $1 } }
        END { for (i = 1; i <= n; i++) print last[k[i]] }' |
    while IFS="$tab" read -r run flags pass te otf flag; do
        [ "$fl" = flag ] || flag=-
        row "trap.tsv: SDLM reading $run: test error (on-the-fly training error) after pass $pass (%)" "- (App. C reading; not in the paper)" \
            "$te ($otf)$(chance_note "$flag")" "${tc:-lenet98 train} $flags" "1" "$(datrev "$T")" "-"
    done
else
    notrun "trap.tsv: the SDLM trap" "- (not in the paper)" "experiments/trap.sh"
fi
echo
echo "Commands: a run's \`lenet98 train\` flags, as its job list gives them (run them with \`-o MODEL\`"
echo "added; \`make reproduce\` adds \`--data\` and \`-o build/runs/KEY.bin\`), or where a row has no job"
echo "file the run's settings line. Seeds: the training seed is in each command (\`--seed\`, or"
echo "\`seed=\` in a settings line); \"model's\" means the seed stored in the model file, printed in the"
echo "header of the .dat."
echo
echo "**Why 332,824 multiply-adds and not 401 thousand (Fig. 11).** \`lenet98 info\` counts one"
echo "multiply-add per weight use: C1 117,600 (6x28x28 units x 25), S2 4,704 (6x14x14 x 4 inputs),"
echo "C3 150,000 (10x10 x 60 map pairs x 25), S4 1,600, C5 48,000, F6 10,080, RBF 840 (10 x 84"
echo "squared differences); biases, the subsampling coefficient and the squashing function are not"
echo "counted. The paper does not give its counting rule. Its 401 thousand"
echo "is close to the 340,908 connections (biases included) plus the 60,000 parameters (400,908),"
echo "which may be a coincidence; the modern variant (full C3) counts 422,824."
echo
# ---- the studies' tables, as they are (columns by name)
mdtable() { # TSV COLUMN...: a Markdown table of those columns of TSV, then its command line
    md_t=$1; shift
    printf '|'; for md_c in "$@"; do printf ' %s |' "$md_c"; done; echo
    printf '|'; for md_c in "$@"; do printf -- '---|'; done; echo
    experiments/col.sh "$md_t" "$@" | awk -F'\t' '{ s = "|"; for (i = 1; i <= NF; i++) s = s " " $i " |"; print s }'
    echo
    sed -n 's/^# command: /Command: /p' "$md_t" | head -1
    echo
}
study() { # TITLE TSV TEXT COLUMN...: a section of the report from a study's table, or "not run"
    st_title=$1 st_t=$2 st_text=$3; shift 3
    echo "## $st_title"
    echo
    if [ -f "$st_t" ]; then
        echo "$st_text"
        echo
        mdtable "$st_t" "$@"
    else
        echo "not run: \`$st_t\` is missing"
        echo
    fi
}
study "Choices made on a validation split, never the test set (make validation)" "$FIGDIR/validation.tsv" \
    "Trained on patterns 1-50,000 of the MNIST training file, validated on 50,001-60,000 (train --valid 10000; the test set never evaluated), 20 passes, seeds 1-2; per net the rate with the lowest mean validation error is chosen (chosen), and checked against the rate the code uses (in_use). lenet5: the 1998 net, whose model stores the rejection threshold set on the split." \
    net lr seeds status valid_mean valid_sd valid_by_seed chosen in_use threshold
study "The readings of Appendix C against Figure 5 (make readings)" "$FIGDIR/readings.tsv" \
    "Each reading trained as Figure 5 is (20 passes over 60,000, Eq. 9) for 3 seeds; rms_test, rms_train: the root-mean-square distance in points between our per-pass test and on-the-fly training errors and the paper's digitised Figure 5 curves over passes 1-20 (mean over seeds); eps1: the first pass's eps_k range (the paper: about 7e-5 .. 0.016); a diverged reading is not averaged. Ranked by rms_test." \
    rank name cap status eps1_min eps1_max rms_test rms_train test_mean test_sd otf_mean
study "What each experiment cost" "$FIGDIR/times.tsv" \
    "The sum of each experiment's runs' own per-pass seconds (training and evaluation; a run is single-threaded); two runs train at once on a 2-core machine, so the wall time is about half." \
    experiment runs logs passes seconds hours
# the measured wall time of the whole targets (experiments/wall.sh; the rows of FIGDIR/wall.tsv)
if [ -f "$FIGDIR/wall.tsv" ]; then
    echo "Wall time of each whole command, measured by its make rule (\`$FIGDIR/wall.tsv\`, experiments/wall.sh; from the build to the last figure):"
    echo
    experiments/col.sh "$FIGDIR/wall.tsv" target make_jobs runs reused trained start_utc end_utc seconds revision machine |
        awk -F'\t' '{ j = ($2 == "1") ? "" : ($2 == "unlimited") ? " -j" : " -j" $2
                      printf "- `make%s %s`: **%d min %d s** (%s to %s), %d training runs, %d trained, %d reused from build/runs; revision %s, %s\n",
                             j, $1, $8 / 60, $8 % 60, $6, $7, $3, $5, $4, $9, $10 }'
    echo
fi
echo "## Over the seeds"
echo
echo "Each headline number for seeds 1..N (experiments/fig5.sh, fig6.sh; \`make reproduce HSEEDS=N\`,"
echo "default 5): every seed's value, the mean and the sample standard deviation (GSL), and how many"
echo "standard deviations the paper's number lies from our mean ((paper - mean) / sd; \"-\" where the"
echo "paper gives none). The table above gives seed 1's values with their commands."
echo
seedtab=""
for t in "$FIGDIR/fig5-seeds.tsv" "$FIGDIR/fig6-seeds.tsv"; do [ -f "$t" ] && seedtab="$seedtab $t"; done
if [ -n "$seedtab" ]; then
    echo "| quantity | paper | seeds | by seed | mean | sd | paper - mean (sd) |"
    echo "|---|---|---|---|---|---|---|"
    # shellcheck disable=SC2086 # a list of files
    for t in $seedtab; do
        experiments/col.sh "$t" quantity paper seeds by_seed mean sd sigmas |
            awk -F'\t' '{ gsub(/,/, ", ", $4); printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
    done
    for t in $seedtab; do echo; sed -n 's/^# command: /Command: /p' "$t" | sed 's/$/./'; done
else
    echo "not run: \`$FIGDIR/fig5-seeds.tsv\` and \`fig6-seeds.tsv\` are missing (experiments/fig5.sh, fig6.sh collect)"
fi
echo

echo "## Figures"
echo
for p in "$FIGDIR"/*.png; do
    [ -f "$p" ] || continue
    n=$(basename "$p" .png)
    echo "### $n"
    echo
    # the caption: the .gp's leading comment, joined, without its "NAME.gp:" and "Data: ..." parts
    g=$n; [ -f "figures/$g.gp" ] || g=${n%u}   # fig8u is drawn by fig8.gp
    [ -f "figures/$g.gp" ] && awk '/^#/ { sub(/^# ?/, ""); t = t (t == "" ? "" : " ") $0; next } { exit }
        END { sub(/^[a-z0-9]+\.gp: */, "", t); sub(/ *Data: .*$/, "", t); print t }' "figures/$g.gp" && echo
    echo "![$n]($n.png)"
    echo
done
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
