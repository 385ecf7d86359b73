#!/bin/sh
# cli.sh BUILD: the command line as users run it: --help, exit codes (0 ok, 1 I/O, 2 usage),
# the info totals of Sec. II-B, init determinism, eval and a short training on a tiny IDX
# set made here. One line per check; ends with "N passed, N failed".
B=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SUITE=cli
. "$(dirname "$0")/lib.sh"
L=$(lenet98_cmd "$B" "$T")
# reject DESCRIPTION PATTERN COMMAND...: a usage error (exit 2) whose message matches PATTERN
reject() {
    what=$1; pat=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; rc=$?
    if [ "$rc" -eq 2 ] && grep -Eq -- "$pat" "$T/err"; then ok
    else bad "$what: exit $rc, expected 2 and a message matching '$pat' ($(head -c 300 "$T/err"))"; fi
}
echo "# cli"
for c in info prototypes init eval train classify; do
    expect 0 "$c --help" "$L" "$c" --help
    grep -q "usage: lenet98 $c" "$T/out" && ok || bad "$c --help prints its usage to stdout"
    expect 2 "$c with an unknown flag" "$L" "$c" --no-such-flag
done
expect 0 "--help" "$L" --help
expect 2 "no command" "$L"
expect 2 "unknown command" "$L" frobnicate
expect 0 "info" "$L" info
grep -Eq '^total +60000 +340908 ' "$T/out" && ok || bad "info totals are 60000 parameters, 340908 connections"
expect 0 "info modern" "$L" info --arch modern
grep -Eq '^total +61706 ' "$T/out" && ok || bad "info --arch modern total is 61706"
expect 2 "info bad arch" "$L" info --arch lenet6
expect 0 "prototypes" "$L" prototypes --pgm "$T/p.pgm"
[ "$(head -c 2 "$T/p.pgm")" = "P5" ] && ok || bad "prototypes --pgm writes a P5 image"
[ "$(grep -o '#' "$T/out" | wc -l)" -eq 349 ] && ok || bad "prototypes shows 349 ink cells (35+27+33+32+41+35+39+25+43+39)"
# to stdout the PGM alone (the text table on stderr): the same bytes as the file
"$L" prototypes --pgm - >"$T/p-stdout.pgm" 2>"$T/err"
cmp -s "$T/p-stdout.pgm" "$T/p.pgm" && [ "$(grep -o '#' "$T/err" | wc -l)" -eq 349 ] && ok || bad "prototypes --pgm -: the PGM alone on stdout, the table on stderr"
expect 0 "init" "$L" init --seed 3 -o "$T/a.bin"
expect 0 "init again" "$L" init --seed 3 -o "$T/b.bin"
cmp -s "$T/a.bin" "$T/b.bin" && ok || bad "the same seed gives the same model bytes"
expect 0 "init other seed" "$L" init --seed 4 -o "$T/c.bin"
cmp -s "$T/a.bin" "$T/c.bin" && bad "another seed gives other bytes" || ok
expect 2 "init without -o" "$L" init --seed 3
expect 2 "init negative seed" "$L" init --seed -1 -o "$T/x.bin"
expect 2 "init seed not a number" "$L" init --seed 12abc -o "$T/x.bin"
expect 1 "init into a missing directory" "$L" init --seed 3 -o "$T/missing/x.bin"
grep -q "$T/missing/x.bin" "$T/err" && ok || bad "the I/O error names the path"

# a tiny MNIST: 20 images (a bar at a position given by the label) and labels
mkdir -p "$T/d"
mkidx "$T/d" train 20
mkidx "$T/d" t10k 20
expect 0 "eval on a tiny set" "$L" eval --model "$T/a.bin" --data "$T/d" --set train --dump "$T/dump.tsv"
grep -Eq '^train set: [0-9]+ errors of 20' "$T/out" && ok || bad "eval prints the error count"
[ "$(grep -vc '^#' "$T/dump.tsv")" -eq 21 ] && ok || bad "--dump has a header and 20 rows"
expect 2 "eval without --model" "$L" eval --data "$T/d"
expect 2 "eval bad set" "$L" eval --model "$T/a.bin" --data "$T/d" --set validation
expect 1 "eval missing data" "$L" eval --model "$T/a.bin" --data "$T/nowhere"
head -c 1000 "$T/a.bin" > "$T/trunc.bin"
expect 1 "eval truncated model" "$L" eval --model "$T/trunc.bin" --data "$T/d"
grep -q "trunc.bin" "$T/err" && ok || bad "the error names the model file"
expect 1 "eval model of the wrong architecture" "$L" eval --model "$T/a.bin" --data "$T/d" --arch modern
head -c 3000 "$T/d/train-images-idx3-ubyte" > "$T/d/t"; mv "$T/d/t" "$T/d/train-images-idx3-ubyte"
expect 1 "eval truncated IDX" "$L" eval --model "$T/a.bin" --data "$T/d" --set train
grep -q "train-images-idx3-ubyte" "$T/err" && ok || bad "the error names the IDX file"
mkidx "$T/d" train 20

# training: runs, is deterministic, resumes to the same bytes
expect 0 "train 2 passes" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/t1.bin"
expect 0 "train again" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/t2.bin"
cmp -s "$T/t1.bin" "$T/t2.bin" && ok || bad "same seed and flags: the same model bytes"
cut -f1-9 "$T/t1.bin.log.tsv" | grep -v revision > "$T/l1"; cut -f1-9 "$T/t2.bin.log.tsv" | grep -v revision > "$T/l2"
cmp -s "$T/l1" "$T/l2" && ok || bad "same seed and flags: the same log apart from seconds"
expect 0 "train 1 pass" "$L" train --data "$T/d" --passes 1 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/t3.bin"
# a 2-pass run resumed from the 1-pass run's checkpoint: same settings line needed
expect 1 "resume with other settings is refused" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/t3.bin" --resume "$T/t3.bin.ckpt"
# the refusal names the keys that differ, the checkpoint's value and this run's, and no other
grep -q "t3.bin.ckpt: written with other settings: passes: 1 (the checkpoint's), 2 (this run's)$" "$T/err" && ok ||
    bad "resume with other settings: the differing key named: $(cat "$T/err")"
expect 2 "train-size larger than the set" "$L" train --data "$T/d" --train-size 21 -o "$T/x.bin"
expect 2 "zero passes" "$L" train --data "$T/d" --passes 0 -o "$T/x.bin"
expect 2 "softmax with the RBF output" "$L" train --data "$T/d" --loss softmax -o "$T/x.bin"
LENET98_FAULT_NAN=2,3 "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/nan.bin" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "pass 2, pattern 3" "$T/err" && ok || bad "an injected NaN stops training naming pass and pattern (exit $rc)"
[ -f "$T/nan.bin.ckpt" ] && [ ! -f "$T/nan.bin" ] && ok || bad "after a NaN the last good checkpoint is kept and no model is written"
# --distort (Sec. III-C): deterministic, recorded in the settings, other patterns than without
expect 0 "train --distort" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 --distort -o "$T/d1.bin"
expect 0 "train --distort again" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 --distort -o "$T/d2.bin"
cmp -s "$T/d1.bin" "$T/d2.bin" && ok || bad "--distort: same seed and flags, the same model bytes"
cmp -s "$T/d1.bin" "$T/t1.bin" && bad "--distort trains on other patterns than without" || ok
grep -q '^# lenet98 train: .* distort=translate:2,scale:0.15,squeeze:0.15,shear:0.3,field:32 ' "$T/d1.bin.log.tsv" && ok || bad "the log header records the distortion ranges and the 32x32 field (the default)"
grep -q ' distort=none ' "$T/t1.bin.log.tsv" && ok || bad "an undistorted run's settings say distort=none"
# the data is part of the settings: other data, another line (and another run key)
mkdir -p "$T/d2"; mkidx "$T/d2" train 21; mkidx "$T/d2" t10k 20
[ "$("$L" train --settings --data "$T/d" --train-size 20)" != "$("$L" train --settings --data "$T/d2" --train-size 20)" ] && ok || bad "other data, other settings line"
expect 0 "train --distort, other ranges" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 --distort --distort-translate 1 --distort-shear 0 -o "$T/d3.bin"
cmp -s "$T/d1.bin" "$T/d3.bin" && bad "other ranges give another model" || ok
expect 1 "resume a --distort checkpoint without --distort is refused" "$L" train --data "$T/d" --passes 2 --train-size 20 --hessian-samples 10 --seed 5 -o "$T/d1.bin" --resume "$T/d1.bin.ckpt"
expect 2 "a range flag without --distort" "$L" train --data "$T/d" --distort-scale 0.1 -o "$T/x.bin"
expect 2 "a negative range" "$L" train --data "$T/d" --distort --distort-shear -0.1 -o "$T/x.bin"
expect 2 "--distort-field other than 28 or 32" "$L" train --data "$T/d" --distort --distort-field 30 -o "$T/x.bin"
expect 0 "train --distort --distort-field 28" "$L" train --data "$T/d" --passes 1 --train-size 20 --hessian-samples 10 --seed 5 --distort --distort-field 28 -o "$T/f28.bin"
grep -q 'distort=translate:2,scale:0.15,squeeze:0.15,shear:0.3,field:28 ' "$T/f28.bin.log.tsv" && ok || bad "the log header of a 28x28 run names its field"

# eval --reject-curve on the tiny set
expect 0 "eval --reject-curve" "$L" eval --model "$T/a.bin" --data "$T/d" --set train --reject-curve "$T/rej.tsv"
grep -q '^rejection: ' "$T/out" && ok || bad "eval --reject-curve prints the % rejected for 0.5% error"
grep -q '^rejected	rejected_pct	errors	error_pct	threshold$' "$T/rej.tsv" && ok || bad "the curve has a TSV header"
[ "$(grep -c '^0	0.00	' "$T/rej.tsv")" -eq 1 ] && ok || bad "the curve starts at 0 rejected"

# classify: a digit '1' drawn here, dark ink on white (P2) and white on black (P5), 40x30
mkpgm() { # FILE INK BG: a 6-pixel-wide vertical bar, off centre
    { echo "P2 30 40 255"; y=0; while [ $y -lt 40 ]; do x=0; row=""
        while [ $x -lt 30 ]; do
          if [ $y -ge 5 ] && [ $y -lt 35 ] && [ $x -ge 3 ] && [ $x -lt 9 ]; then row="$row $2"; else row="$row $3"; fi
          x=$((x + 1)); done; echo "$row"; y=$((y + 1)); done; } > "$1"
}
mkpgm "$T/dark.pgm" 0 255
mkpgm "$T/light.pgm" 255 0
expect 0 "classify two images" "$L" classify --model "$T/a.bin" --show "$T/dark.pgm" "$T/light.pgm"
[ "$(grep -c 'pgm	[0-9]	' "$T/out")" -eq 2 ] && ok || bad "classify prints one row per image with a class"
grep -q '^file	class	gap	y0	' "$T/out" && ok || bad "classify prints a header"
[ "$(grep '^[^|#]' "$T/out" | grep pgm | cut -f2- | sort -u | wc -l)" -eq 1 ] && ok || bad "ink polarity is detected: both images give the same scores"
grep -q 'dark on light (inverted)' "$T/out" && ok || bad "--show says the dark image was inverted"
[ "$(grep -c '^|' "$T/out")" -eq 56 ] && ok || bad "--show prints 28 rows per image"
grep -q '^| *@@@@' "$T/out" && ok || bad "--show draws the ink"
expect 0 "classify with a huge threshold" "$L" classify --model "$T/a.bin" --threshold 1e6 "$T/dark.pgm"
grep -q 'reject$' "$T/out" && ok || bad "below the threshold: reject"
expect 0 "classify with threshold 0" "$L" classify --model "$T/a.bin" --threshold 0 "$T/dark.pgm"
grep -q 'ok$' "$T/out" && ok || bad "threshold 0: ok"
expect 1 "classify forced to the wrong polarity" "$L" classify --model "$T/a.bin" --invert no "$T/dark.pgm"
grep -q "dark.pgm: no ink: .* (read as light ink on a dark background, --invert no; for dark ink on light paper, --invert yes or auto)" "$T/err" && ok || bad "wrong polarity: 'path: no ink' and the hint: $(cat "$T/err")"
printf 'P2 4 4 255\n0 0 0 0\n0 0 0 0\n0 0 0 0\n0 0 0 0\n' > "$T/empty.pgm"
expect 1 "classify an empty image" "$L" classify --model "$T/a.bin" "$T/empty.pgm"
grep -q "empty.pgm: no ink: the image is all background$" "$T/err" && ok || bad "empty image: 'path: no ink', no hint under --invert auto: $(cat "$T/err")"
printf 'P5 4 4 255\nab' > "$T/short.pgm"
expect 1 "classify a truncated image" "$L" classify --model "$T/a.bin" "$T/short.pgm" "$T/dark.pgm"
grep -q "short.pgm: " "$T/err" && ok || bad "a bad image: 'path: problem'"
[ "$(grep -c 'dark.pgm	' "$T/out")" -eq 1 ] && ok || bad "the good image after a bad one is still classified"
expect 1 "classify a missing file" "$L" classify --model "$T/a.bin" "$T/nothere.pgm"
grep -q "nothere.pgm" "$T/err" && ok || bad "a missing image is named"
expect 1 "classify with a bad model" "$L" classify --model "$T/trunc.bin" "$T/dark.pgm"
expect 2 "classify without images" "$L" classify --model "$T/a.bin"
expect 2 "classify without --model" "$L" classify "$T/dark.pgm"
expect 2 "classify bad --invert" "$L" classify --model "$T/a.bin" --invert maybe "$T/dark.pgm"
expect 2 "classify negative threshold" "$L" classify --model "$T/a.bin" --threshold -1 "$T/dark.pgm"

# every subcommand range-checks its numbers and rejects contradictions, saying what is wrong
reject "info: an extra argument" "unexpected argument 'x'" "$L" info x
reject "prototypes: an extra argument" "unexpected argument 'x'" "$L" prototypes x
reject "prototypes: an empty --pgm" "--pgm: empty path" "$L" prototypes --pgm ""
reject "init: a seed above 2^32-1" "--seed: '4294967296' is not an integer in \[0, 4294967295\]" "$L" init --seed 4294967296 -o "$T/x.bin"
reject "init: an empty -o" "-o: empty path" "$L" init -o ""
reject "init: an unknown --init" "--init: 'he' is not paper, sqrt or torch" "$L" init --init he -o "$T/x.bin"
reject "init: an unknown --arch" "--arch: unknown architecture 'pool=avg'" "$L" init --arch pool=avg -o "$T/x.bin"
reject "init: an extra argument" "unexpected argument" "$L" init -o "$T/x.bin" more
expect 0 "init --init sqrt" "$L" init --init sqrt -o "$T/sqrt.bin"
cp "$T/a.bin" "$T/keep.bin"
reject "eval: --dump onto the model" "--model and --dump are the same file" "$L" eval --model "$T/keep.bin" --data "$T/d" --dump "$T/keep.bin"
reject "eval: --dump onto the model by another name" "--model and --dump are the same file" "$L" eval --model "$T/keep.bin" --data "$T/d" --dump "$T/./keep.bin"
cmp -s "$T/keep.bin" "$T/a.bin" && ok || bad "a refused eval leaves the model intact"
reject "eval: --dump and --reject-curve to one file" "--dump and --reject-curve are the same file" "$L" eval --model "$T/a.bin" --data "$T/d" --dump "$T/o.tsv" --reject-curve "$T/o.tsv"
reject "eval: an empty --dump" "--dump: empty path" "$L" eval --model "$T/a.bin" --data "$T/d" --dump ""
reject "eval: an unknown --arch" "--arch: unknown architecture" "$L" eval --model "$T/a.bin" --data "$T/d" --arch lenet4
reject "eval: an extra argument" "unexpected argument" "$L" eval --model "$T/a.bin" extra
TT="--data $T/d --train-size 20 --hessian-samples 10 -o $T/x.bin"
for v in -1 0 1001 2x ""; do reject "train --passes '$v'" "--passes: '$v' is not an integer in \[1, 1000\]" "$L" train $TT --passes "$v"; done
for v in -5 0 60001; do reject "train --train-size $v" "--train-size: '$v' is not an integer in \[1, 60000\]" "$L" train --data "$T/d" --train-size "$v" -o "$T/x.bin"; done
reject "train --seed -1" "--seed: '-1' is not an integer" "$L" train $TT --seed -1
for v in 0 -1 inf nan 1e7; do reject "train --mu $v" "--mu: '$v' is not a number in" "$L" train $TT --mu "$v"; done
for v in 0 -0.5 1e7 nan; do reject "train --eta-scale $v" "--eta-scale: '$v' is not a number in" "$L" train $TT --eta-scale "$v"; done
reject "train --j 1e9" "--j: '1e9' is not a number in" "$L" train $TT --j 1e9
reject "train --hessian-samples 0" "--hessian-samples: '0' is not an integer" "$L" train $TT --hessian-samples 0
reject "train --hessian-samples above --train-size" "--hessian-samples 30 is more than the 20 training patterns" "$L" train $TT --hessian-samples 30
reject "train --hessian-every -1" "--hessian-every: '-1' is not an integer" "$L" train $TT --hessian-every -1
reject "train --hessian-every at --train-size" "--hessian-every 20 never comes within a pass of 20 patterns" "$L" train $TT --hessian-every 20
reject "train: an unknown --loss" "--loss: 'l2' is not map, mse or softmax" "$L" train $TT --loss l2
reject "train: an unknown --init" "--init: 'he' is not paper, sqrt or torch" "$L" train $TT --init he
reject "train: --loss map with a linear output" "--loss map needs the RBF output" "$L" train $TT --arch modern --loss map
reject "train: --log onto the model" "-o and --log are the same file" "$L" train $TT --log "$T/x.bin"
reject "train: --log onto the checkpoint" "--log and the checkpoint .* are the same file" "$L" train $TT --log "$T/x.bin.ckpt"
reject "train: an empty -o" "-o: empty path" "$L" train --data "$T/d" -o ""
expect 2 "a misspelt command" "$L" evl
grep -q "unknown command 'evl'; did you mean eval?" "$T/err" && ok || bad "a misspelt command gets the closest suggested: $(head -1 "$T/err")"
expect 0 "init without --seed (default 1)" "$L" init -o "$T/s-default.bin"
expect 0 "init --seed 1" "$L" init --seed 1 -o "$T/s-1.bin"
cmp -s "$T/s-default.bin" "$T/s-1.bin" && ok || bad "init's default seed is 1, as its help says"
reject "train: --log onto the lock" "--log and the lock .* are the same file" "$L" train $TT --log "$T/x.bin.lock"
reject "train: -o - (stdout)" "-o -: train writes its model to a file" "$L" train --data "$T/d" --train-size 20 -o -
reject "train: --log - (stdout)" "--log -: the log is a file" "$L" train $TT --log -
reject "train: -o a device" "-o /dev/null: not a regular file" "$L" train --data "$T/d" --train-size 20 -o /dev/null
[ ! -e /dev/null.ckpt ] && [ ! -e /dev/null.log.tsv ] && [ ! -e ./-.ckpt ] && ok || bad "train -o /dev/null or -o -: no file named after it"
reject "train: an extra argument" "unexpected argument 'x'" "$L" train $TT x
reject "train: a distortion out of range" "--distort-translate: '11' is not a number in \[0, 10\]" "$L" train $TT --distort --distort-translate 11
for v in nan inf -inf 1e10 x; do reject "classify --threshold $v" "--threshold: '$v' is not a number in" "$L" classify --model "$T/a.bin" --threshold "$v" "$T/dark.pgm"; done
reject "classify: an unknown option value" "--invert: 'sometimes'" "$L" classify --model "$T/a.bin" --invert sometimes "$T/dark.pgm"
# on a terminal (script(1) gives one) train's rows are aligned columns; in the log and in a
# pipe they stay TSV
if command -v script >/dev/null 2>&1; then
    script -qec "'$L' train --data '$T/d' --train-size 20 --passes 2 --hessian-samples 5 -o '$T/tty.bin'" /dev/null > "$T/tty.out" 2>&1 && ok || bad "train on a terminal ($(head -c 300 "$T/tty.out"))"
    tr -d '\r' < "$T/tty.out" | grep -q '^    pass      eta  eps_min eps_median' && ok || bad "train on a terminal: aligned header ($(head -c 400 "$T/tty.out"))"
    tr -d '\r' < "$T/tty.out" | grep -v '^#' | grep -q "$(printf '\t')" && bad "train on a terminal: no tabs in the rows" || ok
    grep -q "^pass$(printf '\t')eta$(printf '\t')" "$T/tty.bin.log.tsv" && ok || bad "the log stays TSV"
    "$L" train --data "$T/d" --train-size 20 --passes 1 --hessian-samples 5 --restart -o "$T/tty.bin" | grep -q "^1$(printf '\t')" && ok || bad "train in a pipe: TSV rows"
else
    echo "SKIP cli: train on a terminal (no script(1))"
fi
# the validation split: the last N training patterns, evaluated instead of the test set
mkdir -p "$T/dv"; mkidx "$T/dv" train 20; mkidx "$T/dv" t10k 20
expect 0 "train with a validation split" "$L" train --data "$T/dv" --train-size 10 --valid 10 --passes 2 --hessian-samples 10 -o "$T/v.bin"
[ "$(experiments/col.sh "$T/v.bin.log.tsv" test_err | sort -u)" = nan ] && ok || bad "--valid: the test set is never evaluated ($(cat "$T/v.bin.log.tsv"))"
experiments/col.sh "$T/v.bin.log.tsv" valid_err | grep -qv '^nan$' && ok || bad "--valid: valid_err is reported"
grep -q " train_size=10 .* valid=10 " "$T/v.bin.log.tsv" && ok || bad "--valid: the settings line names the split"
expect 2 "--train-size and --valid overlap" "$L" train --data "$T/dv" --train-size 11 --valid 10 -o "$T/v2.bin"
grep -q "^lenet98 train: --train-size 11 and --valid 10 need 21 training patterns; the training set has 20" "$T/err" && ok || bad "the overlap is named ($(cat "$T/err"))"
# --stop-diverged: steps too small to learn leave pass 1 at chance (an untrained net): stopped
# there, exit 0, one log row, and the finished run is not refused as unfinished next time
expect 0 "train until diverged" "$L" train --data "$T/dv" --train-size 20 --passes 3 --hessian-samples 10 --eta-scale 0.000001 --stop-diverged -o "$T/dg.bin"
[ "$(experiments/col.sh "$T/dg.bin.log.tsv" pass)" = 1 ] && ok || bad "--stop-diverged: one pass logged ($(cat "$T/dg.bin.log.tsv"))"
grep -q "^lenet98 train: diverged: .* in pass 1 " "$T/err" && ok || bad "--stop-diverged: said ($(cat "$T/err"))"
[ -s "$T/dg.bin" ] && ok || bad "--stop-diverged: the model is written"
expect 0 "the same command again" "$L" train --data "$T/dv" --train-size 20 --passes 3 --hessian-samples 10 --eta-scale 0.000001 --stop-diverged -o "$T/dg.bin"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
