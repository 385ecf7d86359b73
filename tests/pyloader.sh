#!/bin/sh
# pyloader.sh BUILD: experiments/lenet98_model.py, the Python loader written from
# lenet98/MODEL-FORMAT.md alone, against the C program: it reads models written by `lenet98
# init` and `lenet98 train` (both networks and two mixed tags), and its NumPy forward pass
# matches `lenet98 eval --dump`; it refuses a damaged file; the codes printed in the document
# are those of the paper's file. Needs a python3 with NumPy; without one it prints a SKIP
# line and counts nothing. Ends with "N passed, N failed".
B=${1:-build}
L=$B/lenet98
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "# pyloader (the Python model loader against eval --dump)"
SUITE=pyloader
. "$(dirname "$0")/lib.sh"

PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP pyloader: no python3 with numpy (Debian: python3-numpy); the loader is not checked"
    echo "0 passed, 0 failed"
    exit 0
fi

# 50 pseudo-random grey images (every grey level path, not just 0/255), as test and train set
mkdir -p "$T/d"
"$PY" - "$T/d" <<'PYEOF'
import sys, numpy as np
r = np.random.RandomState(1)
img = (r.rand(50, 28, 28) ** 3 * 256).astype(np.uint8)
for p in ("t10k", "train"):
    open(sys.argv[1] + f"/{p}-images-idx3-ubyte", "wb").write(bytes([0, 0, 8, 3, 0, 0, 0, 50, 0, 0, 0, 28, 0, 0, 0, 28]) + img.tobytes())
    open(sys.argv[1] + f"/{p}-labels-idx1-ubyte", "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 50]) + bytes(r.randint(0, 10, 50).tolist()))
PYEOF
LM=experiments/lenet98_model.py
IMG=$T/d/t10k-images-idx3-ubyte

expect 0 "init lenet5" "$L" init --seed 3 -o "$T/i5.bin"
expect 0 "init modern" "$L" init --arch modern --seed 3 -o "$T/im.bin"
expect 0 "init pool=max,c3=table,out=rbf" "$L" init --arch "pool=max,c3=table,out=rbf,squash=scaled,input=unit" --seed 4 -o "$T/ia.bin"
expect 0 "init pool=subsample,c3=full,out=linear" "$L" init --arch "pool=subsample,c3=full,out=linear,squash=tanh,input=paper" --init torch --seed 4 -o "$T/ib.bin"
expect 0 "train lenet5" "$L" train --data "$T/d" --passes 1 --train-size 50 --seed 2 -o "$T/t5.bin"
expect 0 "train modern" "$L" train --arch modern --batch 10 --data "$T/d" --passes 1 --train-size 50 --seed 2 -o "$T/tm.bin"
for mdl in i5 im ia ib t5 tm; do
    expect 0 "eval --dump $mdl" "$L" eval --model "$T/$mdl.bin" --data "$T/d" --dump "$T/$mdl.tsv"
    expect 0 "loader on $mdl.bin" "$PY" $LM "$T/$mdl.bin" "$IMG" "$T/$mdl.tsv"
    grep -q '^PASS lenet98_model' "$T/out" && ok || bad "NumPy forward matches eval --dump on $mdl.bin: $(cat "$T/out" "$T/err")"
    grep '^#' "$T/out"
done
# the comparison can fail: the 1998 model's outputs are not the modern one's
expect 1 "loader on a mismatched dump" "$PY" $LM "$T/t5.bin" "$IMG" "$T/tm.tsv"
# a damaged file is refused, as by the C reader
"$PY" -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[1160] ^= 0x10; open(sys.argv[2], 'wb').write(b)" "$T/t5.bin" "$T/flip.bin"
expect 1 "loader on a damaged file" "$PY" $LM "$T/flip.bin" "$IMG" "$T/t5.tsv"
grep -q 'checksum mismatch' "$T/err" && ok || bad "the loader names the checksum ($(cat "$T/err"))"
expect 1 "lenet98 on the same damaged file" "$L" eval --model "$T/flip.bin" --data "$T/d"
# the codes printed in MODEL-FORMAT.md are the paper's
expect 0 "codes in MODEL-FORMAT.md" "$PY" -c "
import sys; sys.path.insert(0, 'experiments'); import lenet98_model as lm
a, b = lm.rbf_codes(), lm.rbf_codes('lenet98/MODEL-FORMAT.md')
sys.exit(0 if a.shape == (10, 84) and (a == b).all() else 1)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
