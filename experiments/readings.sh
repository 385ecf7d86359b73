#!/bin/sh
# readings.sh [jobs|collect]: the readings of Appendix C measured against the paper's Figure 5.
# Each reading is a plausible account of what the paper did, trained as Figure 5 is (Eq. 9,
# 20 passes over 60,000 patterns, every pass evaluated) for seeds 1..RSEEDS (default 3;
# QUICK=1: 2 passes over 5,000, 1 seed). A reading without a step-size cap may diverge: its
# runs carry --stop-diverged (stopped after a pass whose on-the-fly training error is 80% or
# more) and the reading is reported as diverged, never averaged in.
#   name             flags                          what
#   default          (Figure 5's runs)              +-2.4/F_i, summed sub-sampling, eps_k <= 0.001
#   as-written       --eps-max 0                    the recipe as written: no cap
#   mu-0.2, mu-0.5   --eps-max 0 --mu X             a larger mu instead of the cap
#   sqrt             --init sqrt                    +-2.4/sqrt(F_i), with the cap
#   sqrt-nocap       --init sqrt --eps-max 0        the same without the cap
#   average          --arch pool=average            Sec. II-A's averaged sub-sampling, cap
#   average-nocap    ... --eps-max 0                the same without the cap
#   every1000-nocap  --hessian-every 1000 --eps-max 0   h_kk re-estimated every 1,000 patterns
#   block            --hkk-subsample block          the block's sum as the coefficients' input (Eq. 23)
#   readings.sh jobs | collect | (nothing: train what is missing, then collect)
# collect writes FIGDIR/readings.tsv (a row per reading: its status by seed, the eps_k range of
# pass 1, the rms distance of its per-pass test and on-the-fly training curves to the paper's
# Figure 5 over passes 1..20, the final errors, mean and sd over seeds (GSL); ranked by the
# test distance, rank 1 = the closest reading), FIGDIR/readings.dat (per pass, the mean over
# seeds of each reading that did not diverge, and the paper's points) and FIGDIR/readings.png
# (figures/readings.gp: the 3 closest readings and the default beside the paper), and prints
# which reading is closest and whether an uncapped one comes within READINGS_NEAR (default
# 0.2) points rms of the paper's test curve.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then size="--passes 2 --train-size 5000"; RSEEDS=${RSEEDS:-1}; else size=""; RSEEDS=${RSEEDS:-3}; fi
case $RSEEDS in ''|*[!0-9]*|0) echo "readings.sh: RSEEDS='$RSEEDS' is not a positive integer" >&2; exit 2 ;; esac
D="--stop-diverged"
# name | flags | what
READINGS="default||+-2.4/F_i, summed, eps_k <= 0.001 (lenet98's default; Fig. 5's runs)
as-written|--eps-max 0 $D|no cap: Appendix C as written
mu-0.2|--eps-max 0 --mu 0.2 $D|no cap, mu = 0.2
mu-0.5|--eps-max 0 --mu 0.5 $D|no cap, mu = 0.5
sqrt|--init sqrt|+-2.4/sqrt(F_i), cap
sqrt-nocap|--init sqrt --eps-max 0 $D|+-2.4/sqrt(F_i), no cap
average|--arch pool=average|averaged sub-sampling (Sec. II-A), cap
average-nocap|--arch pool=average --eps-max 0 $D|averaged sub-sampling, no cap
every1000-nocap|--hessian-every 1000 --eps-max 0 $D|h_kk every 1,000 patterns, no cap
block|--hkk-subsample block|h_kk of s2c, s4c from the block's sum (Eq. 23's other reading), cap"

jobs() {
    echo "$READINGS" | while IFS='|' read -r name flags what; do
        s=1
        while [ "$s" -le "$RSEEDS" ]; do
            # the default reading's flags are Figure 5's (experiments/fig5.sh): the same runs
            echo "readings/$name/s$s lenet98 train --loss map --seed $s $size $flags --eval all" | tr -s ' '
            s=$((s + 1))
        done
    done
}

# ---- collect: FIGDIR/readings.tsv, readings.dat, readings.png
# (sh has no locals: collect's helpers use their own prefixes)
PAPER_EPS="7e-5 .. 0.016"   # Sec. III-B / App. C: the paper's first-pass eps_k, about
NEAR=${READINGS_NEAR:-0.2}  # "reaches the paper's curve": ok and rms_test <= NEAR points
RMS_PASSES=20               # the rms distances are over passes 1..20 (those that exist)

# rc_seed NAME S: one line about seed S of reading NAME, from its log (tab separated):
#   state pass passes eps1_min eps1_max rms_test rms_train final_test final_otf
# state: ok, diverged (pass = the first pass with otf_train_err >= DIVERGED_ERR), incomplete (the
# log has fewer rows than passes=, or no model yet), missing (no log); also writes the seed's
# per-pass "pass otf_train_err test_err" to $tmp.c.NAME.sS
rc_seed() {
    rc_log=$(run readings "readings/$1/s$2").log.tsv
    rc_f=$tmp.c.$1.s$2
    if [ ! -f "$rc_log" ]; then printf 'missing\t-\t-\t-\t-\t-\t-\t-\t-\n'; : > "$rc_f"; return; fi
    rc_p=$(logset "$rc_log" passes)
    experiments/col.sh "$rc_log" pass otf_train_err test_err > "$rc_f"
    rc_e=$(experiments/col.sh "$rc_log" pass eps_min eps_max | awk -F'\t' '$1 == 1 { print $2 "\t" $3 }')
    rc_r=$(awk -F'\t' -v n="$RMS_PASSES" 'NR == FNR { pte[$1] = $2; ptr[$1] = $3; next }
        function num(x) { return x ~ /^[0-9.]+$/ }
        $1 <= n && ($1 in pte) && num($3) { st += ($3 - pte[$1]) ^ 2; nt++ }
        $1 <= n && ($1 in ptr) && num($2) { sr += ($2 - ptr[$1]) ^ 2; nr++ }
        END { if (nt) printf "%.4f", sqrt(st / nt); else printf "-"
              if (nr) printf "\t%.4f\n", sqrt(sr / nr); else printf "\t-\n" }' "$tmp.paper" "$rc_f")
    awk -F'\t' -v p="${rc_p:-0}" -v d="$DIVERGED_ERR" -v e="${rc_e:-	}" -v r="$rc_r" -v bin="$([ -f "${rc_log%.log.tsv}.bin" ] && echo 1 || echo 0)" '
        { last = $1; te = $3; otf = $2; if (!dv && $2 + 0 >= d) dv = $1 }
        END { st = dv ? "diverged" : (last + 0 < p + 0 || !bin) ? "incomplete" : "ok"
              if (dv) { last = dv }
              split(e, ee, "\t")
              printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st, last == "" ? "-" : last, p,
                     ee[1] == "" ? "-" : ee[1], ee[2] == "" ? "-" : ee[2], r, te == "" ? "-" : te, otf == "" ? "-" : otf }' "$rc_f"
}
# (the awk above prints rms_test and rms_train as one field r: "a<TAB>b")
# sfield K: column K of the current reading's seed lines ($tmp.s.$name: seed, then rc_seed's
# fields), the seeds without one (-) left out
sfield() { cut -f"$1" "$tmp.s.$name" | grep -v '^-$' || true; }

collect() {
    tmpd=$FIGDIR/readings.tmp-$$
    rm -rf "$tmpd"; mkdir -p "$tmpd"; tmp=$tmpd/r
    trap 'rm -rf "$tmpd"' EXIT
    # the paper's Figure 5, x = pass (as fig5.sh): pass, test, train
    experiments/col.sh "$ROOT/experiments/paper/results-1998.tsv" figure series x value |
        awk -F'\t' '$1 == "fig5" && $2 == "train" {tr[$3] = $4} $1 == "fig5" && $2 == "test" {te[$3] = $4}
        END {for (i = 1; i <= 21; i++) if (i in te) print i "\t" te[i] "\t" tr[i]}' > "$tmp.paper"
    [ -s "$tmp.paper" ] || { echo "readings.sh: no fig5 points in experiments/paper/results-1998.tsv" >&2; exit 1; }
    REV=$(cat "$B/revision" 2>/dev/null || echo unknown)
    i=0
    echo "$READINGS" | while IFS='|' read -r name flags what; do
        i=$((i + 1))
        s=1 dv='' inc='' by=''
        : > "$tmp.s.$name"
        while [ "$s" -le "$RSEEDS" ]; do
            line=$(rc_seed "$name" "$s")
            printf '%s\t%s\n' "$s" "$line" >> "$tmp.s.$name"
            ss=$(echo "$line" | cut -f1) sp=$(echo "$line" | cut -f2) sP=$(echo "$line" | cut -f3)
            case $ss in
            ok) ;;
            diverged) dv="$dv,s$s@$sp" ;;
            missing) inc="$inc,s$s:missing" ;;
            *) inc="$inc,s$s:$sp/$sP" ;;
            esac
            by="$by,$(echo "$line" | cut -f8)"
            s=$((s + 1))
        done
        # diverged if any seed diverged (then also the seeds not finished), else incomplete
        if [ -n "$dv" ]; then st="diverged:${dv#,}$inc"
        elif [ -n "$inc" ]; then st="incomplete:${inc#,}"
        else st=ok; fi
        e1min=$(sfield 5 | sort -g | head -1); e1max=$(sfield 6 | sort -g | tail -1)
        if [ "$st" = ok ]; then
            rt=$(sfield 7 | meansd | cut -f2); rr=$(sfield 8 | meansd | cut -f2)
            fm=$(sfield 9 | meansd); tm=$(echo "$fm" | cut -f2) tsd=$(echo "$fm" | cut -f3)
            om=$(sfield 10 | meansd | cut -f2)
            key="0	$rt"
        else
            rt=- rr=- tm=- tsd=- om=-
            key="1	$i"
        fi
        case " $flags " in *" --eps-max 0 "*) cap=no ;; *) cap=yes ;; esac
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$name" "$what" \
            "$(echo "${flags:--}" | sed 's/ *$//')" "$cap" "$st" "$RSEEDS" "${e1min:--}" "${e1max:--}" \
            "$rt" "$rr" "$tm" "$tsd" "$om" "${by#,}"
    done > "$tmp.rows"
    # the settings of the first log found: passes, train size
    first=$(for f in "$tmp".c.*; do [ -s "$f" ] && { echo "$f"; break; }; done)
    [ -n "$first" ] || { echo "readings.sh: no reading has a log (train them: experiments/readings.sh)" >&2; exit 1; }
    nm=${first#"$tmp".c.}; nm=${nm%.s*}; sd=${first##*.s}
    flog=$(run readings "readings/$nm/s$sd").log.tsv
    P=$(logset "$flog" passes); N=$(logset "$flog" train_size)
    out=$FIGDIR/readings.tsv
    {
        echo "# readings.tsv: the readings of Appendix C (SDLM variants, experiments/readings.sh) against the paper's Figure 5; seeds 1..$RSEEDS, $P passes over $N patterns, every pass evaluated; revision $REV"
        echo "# command: make readings$(quick_note) or make studies$(quick_note) (experiments/readings.sh collect)"
        echo "# errors in percent (points). status: ok; diverged:sS@P (seed S diverged in pass P: its first pass with an on-the-fly training error >= $DIVERGED_ERR%, where --stop-diverged stops the run); incomplete:sS:P/N (seed S has P of N passes, or no model yet) or sS:missing. A reading that is not ok has - in every error column (never averaged in)."
        echo "# cap: yes = eps_k <= 0.001 (lenet98's default), no = --eps-max 0. eps1_min, eps1_max: the eps_k range of pass 1, min over seeds of eps_min, max over seeds of eps_max (the paper: about $PAPER_EPS)."
        echo "# rms_test, rms_train: root-mean-square distance (points) between a seed's per-pass curve and the paper's digitised Figure 5 (x = pass), over passes 1..$RMS_PASSES (those the run has), test_err against the paper's test curve, otf_train_err (on the fly, as the paper's) against its training curve; the mean over seeds."
        echo "# test_mean, test_sd: the test error after the last pass, mean and sample sd over seeds (GSL, build/stats); otf_mean: the on-the-fly training error of the last pass, mean over seeds; test_by_seed: each seed's test error after its last pass (a diverged seed's: after the pass it stopped at). The paper: 0.95 test after pass 20, 0.35 training after pass 19."
        echo "# rank: closest first: the ok readings by rms_test (rank 1 = the closest reading, the lowest rms_test among ok readings), then the others (rank -) in the driver's order."
        printf 'rank\tname\twhat\tflags\tcap\tstatus\tseeds\teps1_min\teps1_max\trms_test\trms_train\ttest_mean\ttest_sd\totf_mean\ttest_by_seed\n'
        sort -t '	' -k1,1n -k2,2g "$tmp.rows" |
            awk -F'\t' '{ printf "%s", $1 == 0 ? ++k : "-"; for (i = 3; i <= NF; i++) printf "\t%s", $i; printf "\n" }'
    } > "$out.tmp"
    mv "$out.tmp" "$out"
    # readings.dat: per pass, the paper's two curves and the mean over seeds of each ok reading
    np=$(cat "$tmp".c.* | cut -f1 | sort -n | tail -1); [ "${np:-0}" -ge 21 ] || np=21
    dat=$FIGDIR/readings.dat
    {
        echo "# readings.dat: per pass, the paper's Figure 5 (digitised; training on the fly) and the mean over seeds 1..$RSEEDS of each ok reading's test_err (NAME_test) and otf_train_err (NAME_otf), in percent; NaN: no value; $P passes over $N patterns; revision $REV"
        echo "# command: make readings$(quick_note) or make studies$(quick_note) (experiments/readings.sh collect); read by column header (readings.gp)"
        p=1; : > "$tmp.dat"
        while [ "$p" -le "$np" ]; do
            awk -F'\t' -v p="$p" '$1 == p { print p "\t" $2 "\t" $3; f = 1 } END { if (!f) print p "\tNaN\tNaN" }' "$tmp.paper"
            p=$((p + 1))
        done > "$tmp.dat"
        hdr="pass	paper_test	paper_train"
        for name in $(awk -F'\t' '$7 == "ok" { print $3 }' "$tmp.rows"); do
            hdr="$hdr	${name}_test	${name}_otf"
            p=1
            while [ "$p" -le "$np" ]; do
                te=$(for f in "$tmp.c.$name".s*; do awk -F'\t' -v p="$p" '$1 == p { print $3 }' "$f"; done | meansd | cut -f2)
                otf=$(for f in "$tmp.c.$name".s*; do awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$f"; done | meansd | cut -f2)
                printf '%s\t%s\n' "$te" "$otf"
                p=$((p + 1))
            done > "$tmp.col"
            paste "$tmp.dat" "$tmp.col" > "$tmp.dat2"; mv "$tmp.dat2" "$tmp.dat"
        done
        echo "$hdr"
        cat "$tmp.dat"
    } > "$dat.tmp"
    mv "$dat.tmp" "$dat"
    plot readings
    # the summary
    awk -F'\t' -v near="$NEAR" -v paper="$PAPER_EPS" '
        /^#/ { next } !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
        { nm = $(c["name"]); ok = $(c["status"]) == "ok"
          if ($(c["rank"]) == 1) best = sprintf("closest reading: %s (rms_test %s, rms_train %s points; final test %s +- %s%%, on-the-fly training %s%%)", nm, $(c["rms_test"]), $(c["rms_train"]), $(c["test_mean"]), $(c["test_sd"]), $(c["otf_mean"]))
          if (nm == "default") def = ok ? sprintf("default (Figure 5): rms_test %s, rms_train %s", $(c["rms_test"]), $(c["rms_train"])) : "default: " $(c["status"])
          if ($(c["cap"]) == "no") {
              un = un sprintf("  %-16s %s", nm, ok ? sprintf("ok, rms_test %s, rms_train %s, eps_k of pass 1 %s .. %s", $(c["rms_test"]), $(c["rms_train"]), $(c["eps1_min"]), $(c["eps1_max"])) : $(c["status"])) "\n"
              if (ok && $(c["rms_test"]) + 0 <= near + 0) reach = reach " " nm } }
        END { print best == "" ? "closest reading: none (no reading is ok)" : best
              if (def != "") print def
              printf "uncapped readings (--eps-max 0; the paper eps_k range %s):\n%s", paper, un
              print "an uncapped reading reaching the paper curve (ok, rms_test <= " near "):" (reach == "" ? " none" : reach) }' "$out"
    echo "$out"; echo "$dat"
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run readings; collect ;;
*) echo "usage: readings.sh [jobs|collect]" >&2; exit 2 ;;
esac
