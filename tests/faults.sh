#!/bin/sh
# faults.sh BUILD: training and saving survive faults, and nothing is lost:
#   - training killed with SIGKILL mid-pass resumes from the last end-of-pass checkpoint and
#     ends with the same model bytes as an uninterrupted run;
#   - Ctrl-C (SIGINT) mid-pass exits 130 with a checkpoint of that point; resuming gives the
#     same bytes;
#   - a file-size limit (ulimit -f, standing in for a full disk) or an unwritable output
#     directory gives a clear error, keeps the previous file byte-identical, leaves no
#     temporary files;
#   - an injected NaN stops training; its last good checkpoint resumes to the uninterrupted
#     result.
# The kill and the interrupt land at a known pattern without racing the program:
# LENET98_FAULT_STOP=PASS,PATTERN makes training SIGSTOP itself there; the test waits for the
# stopped state, then signals. One line per failed check; ends with "N passed, N failed".
B=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SUITE=faults
. "$(dirname "$0")/lib.sh"
L=$(lenet98_cmd "$B" "$T")
echo "# faults"

mkdir -p "$T/d"
mkidx "$T/d" train 40
mkidx "$T/d" t10k 20
TR="--data $T/d --passes 3 --train-size 40 --hessian-samples 10 --seed 7"

# no "*.tmp*" files left in directory $1
no_temps() { [ -z "$(find "$1" -name '*.tmp*')" ]; }

# the uninterrupted reference
$L train $TR -o "$T/ref.bin" >/dev/null 2>"$T/err" && ok || bad "reference training: $(cat "$T/err")"

# SIGKILL in pass 2, at pattern 17: resume from the end-of-pass-1 checkpoint
LENET98_FAULT_STOP=2,17 $L train $TR -o "$T/k.bin" >/dev/null 2>"$T/err" &
pid=$!
if wait_stopped $pid; then
    cp "$T/k.bin.ckpt" "$T/k-pass1.ckpt"
    kill -KILL $pid; wait $pid 2>/dev/null; rc=$?
    [ $rc -eq 137 ] && ok || bad "SIGKILL: exit $rc, expected 137 (128 + 9)"
    [ ! -f "$T/k.bin" ] && ok || bad "SIGKILL mid-run: no model file"
    cmp -s "$T/k.bin.ckpt" "$T/k-pass1.ckpt" && ok || bad "SIGKILL: the checkpoint is the one of pass 1"
    $L train $TR -o "$T/k.bin" --resume "$T/k.bin.ckpt" >/dev/null 2>"$T/err"; rc=$?
    [ $rc -eq 0 ] && grep -q "resuming at pass 2, pattern 0" "$T/err" && ok ||
        bad "resume after SIGKILL (exit $rc): $(cat "$T/err")"
    cmp -s "$T/k.bin" "$T/ref.bin" && ok || bad "killed and resumed: the same model bytes as uninterrupted"
    cut -f1-9 "$T/k.bin.log.tsv" > "$T/l1"; cut -f1-9 "$T/ref.bin.log.tsv" > "$T/l2"
    cmp -s "$T/l1" "$T/l2" && ok || bad "killed and resumed: the same log apart from seconds"
    no_temps "$T" && ok || bad "SIGKILL: no temporary files left"
else
    kill -KILL $pid 2>/dev/null; wait $pid
    bad "LENET98_FAULT_STOP=2,17 did not stop training: $(cat "$T/err")"
fi

# SIGINT (Ctrl-C) in pass 3 at pattern 5: finishes pattern 5, checkpoints there, exits 130
LENET98_FAULT_STOP=3,5 $L train $TR -o "$T/i.bin" >/dev/null 2>"$T/err" &
pid=$!
if wait_stopped $pid; then
    kill -INT $pid; kill -CONT $pid; wait $pid; rc=$?
    [ $rc -eq 130 ] && ok || bad "SIGINT: exit $rc, expected 130: $(cat "$T/err")"
    grep -q "interrupted at pass 3, pattern 6; checkpoint $T/i.bin.ckpt" "$T/err" && ok ||
        bad "SIGINT: says where it stopped and names the checkpoint: $(cat "$T/err")"
    [ ! -f "$T/i.bin" ] && ok || bad "SIGINT mid-run: no model file"
    $L train $TR -o "$T/i.bin" --resume "$T/i.bin.ckpt" >/dev/null 2>"$T/err"; rc=$?
    [ $rc -eq 0 ] && grep -q "resuming at pass 3, pattern 6" "$T/err" && ok ||
        bad "resume after SIGINT (exit $rc): $(cat "$T/err")"
    cmp -s "$T/i.bin" "$T/ref.bin" && ok || bad "interrupted and resumed: the same model bytes as uninterrupted"
    no_temps "$T" && ok || bad "SIGINT: no temporary files left"
else
    kill -KILL $pid 2>/dev/null; wait $pid
    bad "LENET98_FAULT_STOP=3,5 did not stop training: $(cat "$T/err")"
fi

# a new run over a finished model (another seed's) that stops in pass 2 leaves that model and
# its log as they were (never the old model beside the new run's log); resumed, it replaces
# both, and the model is the uninterrupted reference's
$L train --data "$T/d" --passes 2 --train-size 40 --hessian-samples 10 --seed 3 -o "$T/o.bin" >/dev/null 2>"$T/err" &&
    cp "$T/o.bin" "$T/o-old.bin" && cp "$T/o.bin.log.tsv" "$T/o-old.log" || bad "train the old run: $(cat "$T/err")"
LENET98_STOP_AT=2,5 $L train $TR -o "$T/o.bin" >/dev/null 2>"$T/err"; rc=$?
# (stderr not a terminal: the interrupt's message is its first line, no blank line first)
[ $rc -eq 130 ] && cmp -s "$T/o.bin" "$T/o-old.bin" && cmp -s "$T/o.bin.log.tsv" "$T/o-old.log" &&
    head -1 "$T/err" | grep -q '^lenet98 train: interrupted at pass 2' && ok ||
    bad "a run stopped over a finished model keeps that model and its log (exit $rc): $(cat "$T/err")"
$L train $TR -o "$T/o.bin" --resume "$T/o.bin.ckpt" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 0 ] && cmp -s "$T/o.bin" "$T/ref.bin" && grep -q ' seed=7 ' "$T/o.bin.log.tsv" &&
    [ "$(experiments/col.sh "$T/o.bin.log.tsv" pass | tr '\n' ' ')" = "1 2 3 " ] && ok ||
    bad "resumed over a finished model: the reference's bytes and this run's log (exit $rc): $(cat "$T/err")"

# a NaN in pass 2: stops, keeps the pass-1 checkpoint, which resumes to the reference
LENET98_FAULT_NAN=2,3 $L train $TR -o "$T/n.bin" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -Eq "loss is -?nan at pass 2, pattern 3" "$T/err" && ok ||
    bad "a NaN stops training (exit $rc): $(cat "$T/err")"
$L train $TR -o "$T/n.bin" --resume "$T/n.bin.ckpt" >/dev/null 2>"$T/err" && ok ||
    bad "the checkpoint kept after a NaN resumes: $(cat "$T/err")"
cmp -s "$T/n.bin" "$T/ref.bin" && ok || bad "resumed after a NaN: the same model bytes as uninterrupted"

# a file-size limit (ulimit -f 200: 100 KB in dash, which counts 512-byte blocks, 200 KB in
# bash; below the 240 KB of a model either way) stands in for a full disk
mkdir "$T/w"
$L init --seed 1 -o "$T/w/m.bin" 2>"$T/err" && cp "$T/w/m.bin" "$T/old.bin" || bad "init: $(cat "$T/err")"
(ulimit -f 200; exec $L init --seed 2 -o "$T/w/m.bin") >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "$T/w/m.bin: write failed: File too large" "$T/err" && ok ||
    bad "init past the file-size limit: exit $rc, expected 1 and 'File too large': $(cat "$T/err")"
cmp -s "$T/w/m.bin" "$T/old.bin" && ok || bad "a failed init keeps the previous model byte-identical"
no_temps "$T/w" && ok || bad "a failed init leaves no temporary file"
cp "$T/old.bin" "$T/w/t.bin"
(ulimit -f 200; exec $L train $TR -o "$T/w/t.bin") >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "File too large" "$T/err" && ok ||
    bad "train past the file-size limit: exit $rc, expected 1 and 'File too large': $(cat "$T/err")"
cmp -s "$T/w/t.bin" "$T/old.bin" && ok || bad "a failed train keeps the previous model byte-identical"
no_temps "$T/w" && ok || bad "a failed train leaves no temporary file"
(ulimit -f 200; exec $L eval --model "$T/ref.bin" --data "$T/d" --set train --dump "$T/w/m.bin.tsv") \
    >/dev/null 2>"$T/err" && ok || bad "eval --dump of a few KB under the limit still works: $(cat "$T/err")"

# an output directory that cannot hold files: a path through a regular file (as root,
# permission bits do not stop writes; as another user a read-only directory is tried too)
$L init --seed 2 -o "$T/w/m.bin/x.bin" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "$T/w/m.bin/x.bin: cannot write: Not a directory" "$T/err" && ok ||
    bad "init into a non-directory: exit $rc: $(cat "$T/err")"
if [ "$(id -u)" -ne 0 ]; then
    chmod a-w "$T/w"
    $L init --seed 2 -o "$T/w/m.bin" 2>"$T/err"; rc=$?
    chmod u+w "$T/w"
    [ $rc -eq 1 ] && grep -q "Permission denied" "$T/err" && ok ||
        bad "init into a read-only directory: exit $rc: $(cat "$T/err")"
fi
cmp -s "$T/w/m.bin" "$T/old.bin" && ok || bad "the previous model is still intact"
no_temps "$T/w" && ok || bad "no temporary files in the output directory"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
