#!/bin/sh
# validation.sh [jobs|collect]: the choices made on a validation split, never on the test set.
# The split: train on the first 50,000 patterns of the MNIST training file, validate on its
# last 10,000 (patterns 50,001..60,000; lenet98 train --valid 10000, which then never
# evaluates the test set). 20 passes, the error after the last pass, seeds 1..VSEEDS
# (default 2; QUICK=1: 2 passes over 4,000 + 1,000, 1 seed). Every run carries
# --stop-diverged.
#   modern/lrR    the modern variant, SGD at rate R (momentum 0.9, batch 64, cosine)
#   b-sgd/lrR     the ablation's step (b): the 1998 net with a linear output + softmax, SGD at R
#   lenet5        the 1998 net as trained for Figure 5: its rejection threshold (classify)
#   validation.sh jobs | collect | (nothing: train what is missing, then collect)
# The rule: per net, the rate with the lowest mean validation error over the seeds among the
# rates whose runs all finished and none diverged (fewer log rows than its passes, or an
# on-the-fly training error of 80% or more in its last row; a diverged run is never averaged
# in); a tie goes to the lower rate. collect compares the choice with the rate the code uses
# (SGD_LR in lenet98/optim.h for modern and the ablation's steps c..modern, B_LR in
# experiments/ablation.sh for step (b)) and prints a WARNING to stderr (and into the table)
# when they differ. It writes FIGDIR/validation.tsv (a row per net and rate: seeds averaged,
# status, mean and sd of valid_err (GSL, build/stats), by seed, chosen, in_use; a row for
# lenet5: its valid_err and the rejection threshold its model stores), FIGDIR/validation.dat
# and, from the static figures/validation.gp, FIGDIR/validation.png; the choices to stdout.
set -eu
cd "$(dirname "$0")/.."
. experiments/figlib.sh
if [ "$QUICK" = 1 ]; then
    size="--passes 2 --train-size 4000 --valid 1000"; VSEEDS=${VSEEDS:-1}
else
    size="--valid 10000"; VSEEDS=${VSEEDS:-2}
fi
case $VSEEDS in ''|*[!0-9]*|0) echo "validation.sh: VSEEDS='$VSEEDS' is not a positive integer" >&2; exit 2 ;; esac
RATES=${RATES:-0.01 0.03 0.1 0.3}
B_ARCH="pool=subsample,c3=table,out=linear,squash=scaled,input=paper"

jobs() {
    s=1
    while [ "$s" -le "$VSEEDS" ]; do
        for r in $RATES; do
            echo "validation/modern/lr$r/s$s lenet98 train --arch modern --lr $r --seed $s $size --stop-diverged --eval last"
            echo "validation/b-sgd/lr$r/s$s lenet98 train --arch $B_ARCH --optimizer sgd --lr $r --seed $s $size --stop-diverged --eval last"
        done
        s=$((s + 1))
    done
    echo "validation/lenet5/s1 lenet98 train --loss map --seed 1 $size --stop-diverged --eval last"
}

# the rate each net's choice sets today: SGD's default (SGD_LR in lenet98/optim.h) for the
# modern variant, B_LR (experiments/ablation.sh) for the ablation's step (b)
inuse() {
    case $1 in
    modern) iu=$(sed -n 's/^#define[[:space:]]*SGD_LR[[:space:]]*\([0-9][0-9.eE+-]*\).*/\1/p' lenet98/optim.h) ;;
    b-sgd) iu=$(sed -n 's/^B_LR=\([0-9][0-9.eE+-]*\).*/\1/p' experiments/ablation.sh) ;;
    *) iu= ;;
    esac
    [ -n "$iu" ] || { echo "validation.sh: the rate in use for $1 is not readable (SGD_LR in lenet98/optim.h, B_LR in experiments/ablation.sh)" >&2; exit 1; }
    echo "$iu"
}
inuse_where() { case $1 in modern) echo "SGD_LR in lenet98/optim.h" ;; *) echo "B_LR in experiments/ablation.sh" ;; esac; }

# runstat BASE: the run at BASE (files BASE.bin, BASE.log.tsv): "ok<TAB>VALID_ERR" (its
# valid_err after the last pass), "diverged<TAB>PASS<TAB>OTF_ERR<TAB>MEAN_LOSS" (it has fewer
# rows than its passes, or its last row's on-the-fly training error is 80% or more:
# --stop-diverged stopped it there; a mean loss of ln 10 = 2.30 there is a softmax net still
# at chance, one far above it a net that blew up), "missing" (not trained, or not finished:
# no model yet; an interrupted run has fewer rows too, but it is not diverged) or "novalid"
# (no valid_err after the last pass)
runstat() {
    { [ -f "$1.bin" ] && [ -f "$1.log.tsv" ]; } || { echo missing; return 0; }
    rs_p=$(logset "$1.log.tsv" passes)
    experiments/col.sh "$1.log.tsv" pass otf_train_err valid_err mean_loss | awk -F'\t' -v P="${rs_p:-0}" -v d="$DIVERGED_ERR" '
        { n++; p = $1; o = $2; v = $3; l = $4 }
        END { if (n == 0) print "missing"
              else if (p + 0 < P + 0 || o + 0 >= d + 0) printf "diverged\t%s\t%s\t%s\n", p, o, l
              else if (v !~ /^[0-9]+([.][0-9]*)?$/) print "novalid"
              else print "ok\t" v }'
}

# threshold MODEL: the rejection threshold MODEL stores ("none" if it stores none), as
# lenet98 classify prints it (tests/classify.sh): classify one image drawn here, with --data
# an empty directory so that a model storing none never derives one from a test set
threshold() {
    th_d=$(mktemp -d)
    printf 'P2 3 3 255\n0 0 0 0 255 0 0 0 0\n' > "$th_d/x.pgm"
    th=$("$LENET98" classify --model "$1" --data "$th_d" "$th_d/x.pgm" 2>&1 >/dev/null |
         sed -n 's/^lenet98 classify: rejection threshold \([0-9.eE+-]*\) (stored in .*/\1/p')
    rm -rf "$th_d"
    echo "${th:-none}"
}

collect() {
    TSV=$FIGDIR/validation.tsv DAT=$FIGDIR/validation.dat
    REV=$(cat "$B/revision" 2>/dev/null || echo unknown)
    tmp=$FIGDIR/validation.tmp-$$
    trap 'rm -f "$tmp.rows" "$tmp.chosen" "$tmp.tsv" "$tmp.dat"' EXIT
    # the split and the passes, from the settings line of the first run that has a log
    lg0=
    for nm in modern/lr$(echo "$RATES" | cut -d' ' -f1)/s1 lenet5/s1; do
        lg=$(run validation "validation/$nm").log.tsv
        [ -f "$lg" ] && { lg0=$lg; break; }
    done
    PASSES='' TS='' VS=''
    [ -n "$lg0" ] && { PASSES=$(logset "$lg0" passes) TS=$(logset "$lg0" train_size) VS=$(logset "$lg0" valid); }
    # one line per net and rate: net lr n mean sd by_seed eligible status (tab-separated)
    : > "$tmp.rows"
    for net in modern b-sgd; do
        for r in $RATES; do
            vals='' by='' st='' miss=''
            s=1
            while [ "$s" -le "$VSEEDS" ]; do
                rs=$(runstat "$(run validation "validation/$net/lr$r/s$s")")
                case $rs in
                ok*) v=$(echo "$rs" | cut -f2); vals="$vals $v"; by="$by,$v" ;;
                diverged*) by="$by,diverged"
                           st="${st:+$st; }$(echo "$rs" | awk -F'\t' -v s="$s" '{ printf "diverged at pass %s (seed %s: on-the-fly error %s%%, mean loss %s)", $2, s, $3, $4 }')" ;;
                *) by="$by,$rs"; miss="$miss $s" ;;
                esac
                s=$((s + 1))
            done
            [ -n "$miss" ] && echo "validation.sh: WARNING: validation/$net/lr$r: seed(s)$miss not trained or without valid_err (not averaged)" >&2
            if [ -z "$st" ]; then if [ -n "$miss" ]; then st="missing seed(s)$miss"; else st=ok; fi; fi
            el=no; [ "$st" = ok ] && el=yes
            ms=$(echo "$vals" | tr ' ' '\n' | meansd)
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$net" "$r" "$ms" "${by#,}" "$el" "$st" >> "$tmp.rows"
        done
    done
    # the choice per net: the lowest mean among the eligible rates (every seed finished, none
    # diverged); a tie goes to the lower rate
    awk -F'\t' '$7 == "yes" && (!($1 in m) || $4 + 0 < m[$1] || ($4 + 0 == m[$1] && $2 + 0 < c[$1])) { m[$1] = $4 + 0; c[$1] = $2 }
        END { for (n in c) print n "\t" c[n] }' "$tmp.rows" > "$tmp.chosen"
    chosen() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$tmp.chosen"; }
    warn=
    summary=
    for net in modern b-sgd; do
        u=$(inuse "$net"); c=$(chosen "$net")
        if [ -z "$c" ]; then
            w="WARNING: $net: no rate qualifies (every rate diverged or lacks runs); the rate in use is $u ($(inuse_where "$net"))"
        elif awk -v a="$u" -v b="$c" 'BEGIN { exit !(a + 0 != b + 0) }'; then
            w="WARNING: $net: the rate in use, $u ($(inuse_where "$net")), is not the validation choice $c: set it to $c and retrain what uses it"
        else w=; fi
        [ -n "$w" ] && [ "$QUICK" = 1 ] && w="$w (QUICK=1: tiny runs, not the sweep the choice rests on)"
        [ -n "$w" ] && { echo "validation.sh: $w" >&2; warn="$warn# $w
"; }
        line=$(awk -F'\t' -v n="$net" -v c="$c" '$1 == n && $2 == c { printf "valid_err %s%% +- %s over %s seeds", $4, $5, $3 }' "$tmp.rows")
        summary="$summary$net: chosen lr ${c:-none}${line:+ ($line)}; in use $u${w:+ (WARNING: not the choice)}
"
    done
    # lenet5: its validation error and the threshold its model stores
    b5=$(run validation validation/lenet5/s1)
    rs5=$(runstat "$b5")
    case $rs5 in
    ok*) v5=$(echo "$rs5" | cut -f2); st5=ok; th5=$(threshold "$b5.bin") ;;
    diverged*) v5=NaN; st5=$(echo "$rs5" | awk -F'\t' '{ printf "diverged at pass %s (seed 1: on-the-fly error %s%%, mean loss %s)", $2, $3, $4 }'); th5=$(threshold "$b5.bin") ;;
    *) v5=NaN; st5=$rs5; th5=-; echo "validation.sh: WARNING: validation/lenet5/s1: $rs5" >&2 ;;
    esac
    {
        printf '# validation.tsv: the choices made on a validation split, never on the test set; revision %s\n' "$REV"
        printf '# command: make validation or make studies%s (experiments/validation.sh collect)\n' "$(quick_note)"
        printf '# split: train on patterns 1..%s of the MNIST training file, validate on its last %s (train --valid %s: patterns %s..60000 of MNIST); the test set is never evaluated; %s passes, the error after the last; seeds 1..%s\n' \
            "${TS:-?}" "${VS:-?}" "${VS:-?}" "$( [ -n "$VS" ] && echo $((60000 - VS + 1)) || echo '?')" "${PASSES:-?}" "$VSEEDS"
        printf '# rule: per net, the rate with the lowest mean valid_err over the seeds among the rates whose runs all finished and none diverged (--stop-diverged: on-the-fly training error >= %s%%); a tie goes to the lower rate; chosen = that rate, in_use = the rate the code uses (modern: %s, %s; b-sgd: %s, %s)\n' \
            "$DIVERGED_ERR" "$(inuse modern)" "$(inuse_where modern)" "$(inuse b-sgd)" "$(inuse_where b-sgd)"
        printf '# errors in percent; valid_sd: sample sd over the seeds (GSL, build/stats; 0 for one seed); a diverged run is never averaged in (valid_by_seed: diverged); lenet5: the 1998 net (SDLM: no rate), threshold: the rejection threshold its model stores (score gap at 0.5%% error on the accepted validation digits)\n'
        printf '%s' "$warn"
        printf 'net\tlr\tseeds\tstatus\tvalid_mean\tvalid_sd\tvalid_by_seed\tchosen\tin_use\tthreshold\n'
        while IFS='	' read -r net r n m sd by el st; do
            ch=-; [ "$r" = "$(chosen "$net")" ] && ch=yes
            iu=-; awk -v a="$r" -v b="$(inuse "$net")" 'BEGIN { exit !(a + 0 == b + 0) }' && iu=yes
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$net" "$r" "$n" "$st" "$m" "$sd" "$by" "$ch" "$iu"
        done < "$tmp.rows"
        printf 'lenet5\t-\t%s\t%s\t%s\t-\t%s\t-\t-\t%s\n' "$( [ "$v5" = NaN ] && echo 0 || echo 1)" "$st5" "$v5" "$( [ "$v5" = NaN ] && echo "${rs5%%	*}" || echo "$v5")" "$th5"
    } > "$tmp.tsv"
    mv "$tmp.tsv" "$TSV"
    {
        printf '# validation.dat: the validation error by rate (experiments/validation.sh; %s passes, seeds 1..%s); revision %s\n' "${PASSES:-?}" "$VSEEDS" "$REV"
        printf '# index 0: modern, index 1: b-sgd (lr, mean and sd of valid_err in percent, NaN unless every seed finished and none diverged; status ok|diverged|missing; chosen; in_use); index 2: lenet5 (valid_err)\n'
        for net in modern b-sgd; do
            printf '# lr\tvalid_mean\tvalid_sd\tstatus\tchosen\tin_use\n'
            awk -F'\t' -v n="$net" -v c="$(chosen "$net")" -v u="$(inuse "$net")" '$1 == n {
                s = $7 == "yes" ? "ok" : $8 ~ /^diverged/ ? "diverged" : "missing"
                printf "%s\t%s\t%s\t%s\t%s\t%s\n", $2, s == "ok" ? $4 : "NaN", s == "ok" ? $5 : "NaN", s,
                       $2 == c ? "yes" : "-", $2 + 0 == u + 0 ? "yes" : "-" }' "$tmp.rows"
            printf '\n\n'
        done
        printf '# valid_err\n%s\n' "$v5"
    } > "$tmp.dat"
    mv "$tmp.dat" "$DAT"
    rm -f "$tmp.rows" "$tmp.chosen"
    plot validation
    printf '%s' "$summary"
    echo "lenet5: valid_err $v5% ($st5); stored rejection threshold $th5"
}

case ${1:-all} in
jobs) jobs ;;
collect) collect ;;
all) experiments/jobs.sh run validation; collect ;;
*) echo "usage: validation.sh [jobs|collect]" >&2; exit 2 ;;
esac
