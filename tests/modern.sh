#!/bin/sh
# modern.sh BUILD: the modern variant from the command line: the SGD optimiser (flags,
# settings line, determinism, exact resume with the velocity in the checkpoint), the stats
# helper, and the optional check of the forward pass against PyTorch (skipped, with a message, when no python3
# with torch is found). Tiny IDX sets made here; no MNIST. Ends with "N passed, N failed".
B=${1:-build}
L=$B/lenet98
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "# modern (SGD, resume, torch check)"

SUITE=modern
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/d"; mkidx "$T/d" train 20; mkidx "$T/d" t10k 20
TR="$L train --data $T/d --passes 3 --train-size 20 --seed 7"

# flags
expect 2 "unknown optimizer" $TR --optimizer adam -o "$T/x.bin"
expect 2 "--lr with sdlm" $TR --lr 0.1 -o "$T/x.bin"
expect 2 "--eta-scale with sgd" $TR --optimizer sgd --eta-scale 0.1 -o "$T/x.bin"
expect 2 "--eta-scale with modern (sgd by default)" $TR --arch modern --eta-scale 0.1 -o "$T/x.bin"
expect 2 "--batch 0" $TR --optimizer sgd --batch 0 -o "$T/x.bin"
expect 2 "--momentum 1" $TR --optimizer sgd --momentum 1 -o "$T/x.bin"
expect 2 "unknown schedule" $TR --optimizer sgd --schedule step -o "$T/x.bin"

# modern defaults to sgd; the settings line names the optimiser and its settings
expect 0 "train modern" $TR --arch modern --batch 6 -o "$T/m1.bin"
# the default rate is SGD_LR (lenet98/optim.h), the validation split's choice
SGD_LR=$(sgd_lr)
grep -q "^# lenet98 train: settings=3 arch=modern init=torch loss=softmax j=1 optimizer=sgd .* lr=$SGD_LR momentum=0.9 batch=6 schedule=cosine passes=3 " "$T/m1.bin.log.tsv" \
    && ok || bad "the log header names optimizer=sgd and its settings, lr=$SGD_LR ($(head -1 "$T/m1.bin.log.tsv"))"
want=$(awk -v r="$SGD_LR" 'BEGIN { printf "%g", r * 0.25 }')
[ "$(awk -F'\t' '$1 == 3 {print $2}' "$T/m1.bin.log.tsv")" = "$want" ] \
    && ok || bad "cosine rate of pass 3 of 3 is $SGD_LR (1 + cos(2 pi / 3)) / 2 = $want"
expect 0 "train lenet5" $TR --eta-scale 0.1 -o "$T/l1.bin"
grep -q 'optimizer=sdlm mu=0.02 eta_scale=0.1 ' "$T/l1.bin.log.tsv" && ok || bad "sdlm settings line"
# the settings line: every field always, the numerics version, the code path, the data
grep -q '^# lenet98 train: settings=3 .* eval=all distort=none valid=0 stop_diverged=0 numerics=[0-9]* real=float path=[a-z0-9-]* data=[0-9a-f]\{16\}$' "$T/l1.bin.log.tsv" && ok || bad "the settings line is complete ($(head -1 "$T/l1.bin.log.tsv"))"
expect 0 "train modern again" $TR --arch modern --batch 6 -o "$T/m2.bin"
cmp -s "$T/m1.bin" "$T/m2.bin" && ok || bad "sgd: same seed and flags, same model bytes"
expect 0 "const schedule" $TR --arch modern --batch 6 --schedule const -o "$T/c.bin"
cmp -s "$T/m1.bin" "$T/c.bin" && bad "the schedule changes the result" || ok
expect 0 "sgd on the 1998 net" $TR --optimizer sgd --batch 1 --momentum 0 --lr 0.001 --schedule const -o "$T/s.bin"

# Ctrl-C mid-pass (at a batch boundary), then --resume: the same bytes as without a break
LENET98_STOP_AT=2,8 $TR --arch modern --batch 6 -o "$T/r.bin" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 130 ] && grep -q "pass 2, pattern 12" "$T/err" && ok \
    || bad "interrupted sgd stops at the end of the batch (pattern 12), exit 130 (exit $rc: $(cat "$T/err"))"
expect 0 "sgd resume" $TR --arch modern --batch 6 -o "$T/r.bin" --resume "$T/r.bin.ckpt"
cmp -s "$T/m1.bin" "$T/r.bin" && ok || bad "sgd resumed mid-pass ends with the same bytes"
cut -f1-9 "$T/m1.bin.log.tsv" | grep -v '^# revision' > "$T/l1"; cut -f1-9 "$T/r.bin.log.tsv" | grep -v '^# revision' > "$T/l2"
cmp -s "$T/l1" "$T/l2" && ok || bad "sgd resumed: the same log apart from seconds"
LENET98_STOP_AT=2,5 $TR --eta-scale 0.1 -o "$T/q.bin" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 130 ] && ok || bad "interrupted sdlm exits 130 (exit $rc)"
expect 0 "sdlm resume" $TR --eta-scale 0.1 -o "$T/q.bin" --resume "$T/q.bin.ckpt"
cmp -s "$T/l1.bin" "$T/q.bin" && ok || bad "sdlm resumed mid-pass ends with the same bytes"
expect 1 "resume an sgd checkpoint as sdlm is refused" $TR --eta-scale 0.1 -o "$T/q.bin" --resume "$T/r.bin.ckpt"

# the stats helper (GSL): mean and sample standard deviation
if [ -x "$B/stats" ]; then
    printf '1\n2\n3\n4\n' | "$B/stats" > "$T/out"
    grep -Eq '^4	2\.5000	1\.2910$' "$T/out" && ok || bad "stats of 1 2 3 4: n 4, mean 2.5, sd 1.2910 ($(cat "$T/out"))"
else
    bad "$B/stats not built"
fi

# the forward pass against PyTorch: any python3 on the PATH, else Debian's
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch, numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP modern: torch check: no python3 with torch and numpy (Debian: python3-torch)"
else
    # 50 pseudo-random grey images (not just 0/255), so every pixel value path is exercised
    "$PY" - "$T/d" <<'EOF'
import sys, numpy as np
r = np.random.RandomState(1)
img = (r.rand(50, 28, 28) ** 3 * 256).astype(np.uint8)
open(sys.argv[1] + "/t10k-images-idx3-ubyte", "wb").write(bytes([0, 0, 8, 3, 0, 0, 0, 50, 0, 0, 0, 28, 0, 0, 0, 28]) + img.tobytes())
open(sys.argv[1] + "/t10k-labels-idx1-ubyte", "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 50]) + bytes(r.randint(0, 10, 50).tolist()))
EOF
    expect 0 "init modern" "$L" init --arch modern --seed 3 -o "$T/i.bin"
    for mdl in i m1 l1 s; do
        expect 0 "torch check of $mdl.bin" "$PY" experiments/torch_check.py --model "$T/$mdl.bin" --data "$T/d" --lenet98 "$L"
        grep -q '^PASS torch_check' "$T/out" && ok || bad "torch agrees on $mdl.bin: $(cat "$T/out" "$T/err")"
    done
    for a in "pool=subsample,c3=full,out=linear,squash=tanh,input=paper" "pool=max,c3=table,out=rbf,squash=scaled,input=unit"; do
        expect 0 "init $a" "$L" init --arch "$a" --seed 4 -o "$T/a.bin"
        expect 0 "torch check of $a" "$PY" experiments/torch_check.py --model "$T/a.bin" --data "$T/d" --lenet98 "$L"
    done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
