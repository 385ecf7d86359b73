#!/bin/sh
# ckpt.sh BUILD: a checkpoint is trusted in nothing (issue 13, items 1, 3, 5, 6, 12, 13, 14):
#   - every field of a checkpoint, changed with its CRC recomputed (tests/ckpt_edit.py), is
#     checked on --resume: the generator's state, pass and pattern, the error count, the loss
#     sum, the seconds, the step sizes, the velocity, the log text, the embedded model's
#     architecture, the high bytes of the CRC field, the data checksum; each refusal is
#     "PATH: problem", exit 1, and writes nothing;
#   - a resume with other data of the same sizes is refused, with the same data gzipped it is
#     accepted and ends with the uninterrupted bytes;
#   - a run without --resume refuses to replace an unfinished run's checkpoint (--restart
#     does), but not a finished one's;
#   - a second training with the same -o while the first runs is refused; a killed run's
#     lock does not block the next;
#   - a run stopped by a NaN names a checkpoint only if one of this run exists;
#   - every crafted checkpoint also goes through the checkpoint fuzz target.
# Needs python3 (to recompute CRCs); without it prints a SKIP line for those checks.
# One line per failed check; ends with "N passed, N failed".
B=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SUITE=ckpt
. "$(dirname "$0")/lib.sh"
L=$(lenet98_cmd "$B" "$T")
ED="python3 $(dirname "$0")/ckpt_edit.py"
echo "# ckpt"

mkdir -p "$T/d"
mkidx "$T/d" train 40
mkidx "$T/d" t10k 20
TR="--data $T/d --passes 3 --train-size 40 --hessian-samples 10 --seed 7"
TRM="--data $T/d --passes 3 --train-size 40 --seed 7 --arch modern --batch 6"

$L train $TR -o "$T/ref.bin" >/dev/null 2>"$T/err" && ok || bad "reference training: $(cat "$T/err")"
$L train $TRM -o "$T/refm.bin" >/dev/null 2>"$T/err" && ok || bad "modern reference training: $(cat "$T/err")"
# mid-pass checkpoints (Ctrl-C at pass 2, pattern 17): SDLM with step sizes, SGD with velocity
LENET98_STOP_AT=2,17 $L train $TR -o "$T/s.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 130 ] && [ -f "$T/s.bin.ckpt" ] && ok || bad "an SDLM checkpoint at pass 2: exit $rc: $(cat "$T/err")"
LENET98_STOP_AT=2,17 $L train $TRM -o "$T/g.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 130 ] && [ -f "$T/g.bin.ckpt" ] && ok || bad "an SGD checkpoint at pass 2: exit $rc: $(cat "$T/err")"
cp "$T/s.bin.ckpt" "$T/s.ckpt"; cp "$T/g.bin.ckpt" "$T/g.ckpt"
$L init --arch modern --seed 7 -o "$T/modern.bin" 2>"$T/err" || bad "init modern: $(cat "$T/err")"

# refused BASE FIELD VALUE MESSAGE [FLAGS]: the checkpoint BASE.ckpt with FIELD set to VALUE
# is refused on --resume with "PATH: MESSAGE", exit 1; no model, checkpoint or lock is
# written, the file stays as it was
n=0
refused() {
    n=$((n + 1)); f="$T/bad$n.ckpt"
    $ED "$T/$1.ckpt" "$f" "$2" "$3" || { bad "ckpt_edit.py $1 $2 $3 failed"; return; }
    cp "$f" "$T/copy.ckpt"
    flags=$TR; [ "$1" = g ] && flags=$TRM
    $L train $flags -o "$T/out$n.bin" --resume "$f" >"$T/out" 2>"$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -qF "$f: $4" "$T/err" && ! grep -q resuming "$T/err" &&
        [ ! -e "$T/out$n.bin" ] && [ ! -e "$T/out$n.bin.ckpt" ] && [ ! -e "$T/out$n.bin.lock" ] &&
        cmp -s "$f" "$T/copy.ckpt" && ok ||
        bad "$1.ckpt with $2=$3: exit $rc, expected 1 and '$4', nothing written: $(head -c 300 "$T/err")"
}
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP ckpt: no python3 to recompute checkpoint CRCs; the field checks are not run"
else
    # the edit itself changes nothing the reader checks: the same field value resumes
    $ED "$T/s.ckpt" "$T/same.ckpt" pos 18 && $L train $TR -o "$T/same.bin" --resume "$T/same.ckpt" >/dev/null 2>"$T/err" &&
        cmp -s "$T/same.bin" "$T/ref.bin" && ok || bad "an unchanged field, CRC recomputed, resumes: $(cat "$T/err")"
    M="malformed checkpoint"
    # item 1: the generator's state
    refused s mti -2147483648 "$M (not a state of the mt19937 generator)"
    refused s mti -1 "$M (not a state of the mt19937 generator)"
    refused s mti 625 "$M (not a state of the mt19937 generator)"
    refused s mtword 4294967296 "$M (not a state of the mt19937 generator)"
    # item 13: pass, pattern, counts, sums
    refused s pass 0 "$M (pass 0, the run has 3)"
    refused s pass 5 "$M (pass 5, the run has 3)"
    refused s pass -1 "$M (pass 18446744073709551615, the run has 3)"
    refused s pos 40 "$M (pattern 40 of pass 2, the run trains on 40)"
    refused s pos -1 "$M (pattern 18446744073709551615"
    refused s otf -1 "$M (18446744073709551615 on-the-fly errors in 18 patterns)"
    refused s otf 19 "$M (19 on-the-fly errors in 18 patterns)"
    refused s loss nan "$M (a loss sum of nan)"
    refused s loss -1 "$M (a loss sum of -1)"
    refused s loss inf "$M (a loss sum of inf)"
    refused s seconds -0.5 "$M (-0.5 seconds)"
    refused s seconds inf "$M (inf seconds)"
    refused s eps0 nan "$M (a step size eps_k that is not finite and > 0)"
    refused s eps0 -0.001 "$M (a step size eps_k that is not finite and > 0)"
    refused s eps0 0 "$M (a step size eps_k that is not finite and > 0)"
    refused g vel0 nan "$M (a velocity that is not finite)"
    refused g vel0 inf "$M (a velocity that is not finite)"
    refused s model "$T/modern.bin" "$M (a model of architecture modern, the settings ask for lenet5)"
    refused s log "" "$M (the log is not 1 rows of tab-separated text)"
    refused s log "1\\t2\\n2\\t3\\n" "$M (the log is not 1 rows of tab-separated text)"
    refused s log "1\\t\\033[2J\\n" "$M (the log is not 1 rows of tab-separated text)"
    refused s log "7\\t0.0005\\n" "$M (the log is not 1 rows of tab-separated text)"
    refused s log "1\\t0.0005" "$M (the log is not 1 rows of tab-separated text)"
    # item 14: the high 4 bytes of the CRC field
    refused s crchigh 1 "$M (the high 4 bytes of the CRC field are not 0: truncated, or corrupt)"
    # item 12: the data checksum and the number of passes, as stored
    refused s data 12345 "written for other data"
    refused s passes 4 "$M (4 passes, the settings say 3)"
    # every crafted file through the checkpoint fuzz target: refused without breaking a promise
    if [ -x "$B/fuzz-replay" ]; then
        $VALGRIND "$B/fuzz-replay" ckpt "$T"/bad*.ckpt "$T/s.ckpt" "$T/g.ckpt" >"$T/out" 2>&1 && ok ||
            bad "the crafted checkpoints through fuzz-replay ckpt: $(tail -3 "$T/out")"
    fi
fi

# ---- item 12: the data the run reads -----------------------------------------------------
mkdir -p "$T/d2"; cp "$T/d/"* "$T/d2/"
# the same sizes, other pixels: image 0 of the training set inverted
{ head -c 16 "$T/d/train-images-idx3-ubyte"; head -c 784 /dev/zero | tr '\000' '\200'
  tail -c +801 "$T/d/train-images-idx3-ubyte"; } > "$T/d2/train-images-idx3-ubyte"
cp "$T/s.ckpt" "$T/data.ckpt"
$L train $TR --data "$T/d2" -o "$T/data.bin" --resume "$T/data.ckpt" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -qF "$T/data.ckpt: written for other data" "$T/err" && [ ! -e "$T/data.bin" ] &&
    cmp -s "$T/data.ckpt" "$T/s.ckpt" && ok ||
    bad "--resume with other --data of the same sizes is refused (exit $rc): $(cat "$T/err")"
mkdir -p "$T/dz"; for f in "$T/d/"*; do gzip -c "$f" > "$T/dz/$(basename "$f").gz"; done
$L train $TR --data "$T/dz" -o "$T/dz.bin" --resume "$T/data.ckpt" >/dev/null 2>"$T/err" &&
    cmp -s "$T/dz.bin" "$T/ref.bin" && ok ||
    bad "--resume with the same data gzipped is accepted and ends with the same bytes: $(cat "$T/err")"

# ---- item 5: an unfinished run's checkpoint is not replaced by a fresh run ---------------
cp "$T/s.ckpt" "$T/u.bin.ckpt"
$L train $TR -o "$T/u.bin" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -qF "$T/u.bin.ckpt: the checkpoint of an unfinished run (pass 2 of 3, pattern 18): continue it with --resume $T/u.bin.ckpt, or start over with --restart" "$T/err" &&
    cmp -s "$T/u.bin.ckpt" "$T/s.ckpt" && [ ! -e "$T/u.bin" ] && ! grep -q '^1	' "$T/out" && ok ||
    bad "a fresh run over an unfinished checkpoint is refused (exit $rc): $(cat "$T/err")"
echo garbage > "$T/v.bin.ckpt"
$L train $TR -o "$T/v.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "not a lenet98 checkpoint; cannot tell whether it holds an unfinished run" "$T/err" &&
    [ "$(cat "$T/v.bin.ckpt")" = garbage ] && ok ||
    bad "a fresh run over an unreadable checkpoint is refused (exit $rc): $(cat "$T/err")"
expect 2 "--restart with --resume is a usage error" $L train $TR -o "$T/u.bin" --restart --resume "$T/u.bin.ckpt"
$L train $TR -o "$T/u.bin" --restart >/dev/null 2>"$T/err" && cmp -s "$T/u.bin" "$T/ref.bin" && ok ||
    bad "--restart starts over: $(cat "$T/err")"
$L train $TR -o "$T/u.bin" >/dev/null 2>"$T/err" && cmp -s "$T/u.bin" "$T/ref.bin" && ok ||
    bad "a fresh run over a finished run's checkpoint is allowed: $(cat "$T/err")"

# ---- item 6: one run per -o at a time ----------------------------------------------------
LENET98_FAULT_STOP=1,5 $L train $TR -o "$T/lk.bin" >/dev/null 2>"$T/err1" &
pid=$!
if wait_stopped $pid; then
    $L train $TR -o "$T/lk.bin" >"$T/out" 2>"$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -qF "$T/lk.bin.lock: locked by another process (PID $pid)" "$T/err" && ok ||
        bad "a second training with the same -o is refused (exit $rc): $(cat "$T/err")"
    kill -CONT $pid; wait $pid; rc=$?
    [ $rc -eq 0 ] && cmp -s "$T/lk.bin" "$T/ref.bin" && [ ! -e "$T/lk.bin.lock" ] && ok ||
        bad "the first training finishes undisturbed, its lock removed (exit $rc): $(cat "$T/err1")"
else
    bad "LENET98_FAULT_STOP=1,5 did not stop the training: $(cat "$T/err1")"
fi
LENET98_FAULT_STOP=1,5 $L train $TR -o "$T/lk2.bin" >/dev/null 2>"$T/err1" &
pid=$!
if wait_stopped $pid; then
    kill -KILL $pid; wait $pid 2>/dev/null
    $L train $TR -o "$T/lk2.bin" >/dev/null 2>"$T/err" && cmp -s "$T/lk2.bin" "$T/ref.bin" && ok ||
        bad "a killed run's lock file does not block the next run: $(cat "$T/err")"
else
    bad "LENET98_FAULT_STOP=1,5 did not stop the training: $(cat "$T/err1")"
fi

# one --log is one run's: a second training with another -o but the same --log is refused
LENET98_FAULT_STOP=1,5 $L train $TR -o "$T/lg1.bin" --log "$T/shared.tsv" >/dev/null 2>"$T/err1" &
pid=$!
if wait_stopped $pid; then
    $L train $TR -o "$T/lg2.bin" --log "$T/shared.tsv" >"$T/out" 2>"$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -qF "$T/shared.tsv.lock: locked by another process (PID $pid)" "$T/err" &&
        [ ! -e "$T/lg2.bin.lock" ] && ok ||
        bad "a second training with the same --log is refused, its own lock released (exit $rc): $(cat "$T/err")"
    kill -CONT $pid; wait $pid; rc=$?
    [ $rc -eq 0 ] && [ ! -e "$T/shared.tsv.lock" ] && [ "$(experiments/col.sh "$T/shared.tsv" pass | wc -l)" -eq 3 ] && ok ||
        bad "the first training finishes with its log, the log's lock removed (exit $rc): $(cat "$T/err1")"
else
    bad "LENET98_FAULT_STOP=1,5 did not stop the training: $(cat "$T/err1")"
fi

# ---- item 13: only a checkpoint that exists is named -------------------------------------
LENET98_FAULT_NAN=1,5 $L train $TR -o "$T/nan1.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -qF "no checkpoint of this run exists ($T/nan1.bin.ckpt)" "$T/err" &&
    ! grep -q "is intact" "$T/err" && [ ! -e "$T/nan1.bin.ckpt" ] && ok ||
    bad "a NaN in pass 1 claims no checkpoint (exit $rc): $(cat "$T/err")"
LENET98_FAULT_NAN=2,5 $L train $TR -o "$T/nan2.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -qF "the last good checkpoint $T/nan2.bin.ckpt (pass 2, pattern 0) is intact" "$T/err" && ok ||
    bad "a NaN in pass 2 names pass 1's checkpoint (exit $rc): $(cat "$T/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
