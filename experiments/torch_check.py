#!/usr/bin/env python3
"""torch_check.py: does lenet98's forward pass agree with the same network built in PyTorch?

Reads a lenet98 model file with experiments/lenet98_model.py, the loader written from
lenet98/MODEL-FORMAT.md alone, builds the torch.nn.Module it makes for the file's
architecture (Conv2d, Linear, MaxPool2d, tanh; the 1998 elements as small modules: the
sub-sampling = coefficient * (sum of each 2x2 block) + bias, Table I = a Conv2d whose weights
are masked off the table, the RBF output = squared Euclidean distances to the Figure 3
codes), runs it in float64 on MNIST images read from the IDX files, and compares the ten
outputs with `lenet98 eval --dump` (float32), image by image. So a PASS shows that the
documentation suffices to rebuild the network. Table I and the codes come from the paper
(MODEL-FORMAT.md, experiments/paper/rbf-codes-7x12.txt), not from the C source.

usage: torch_check.py --model M.bin [--data DIR] [--set test|train] [--lenet98 BIN]
                      [--limit N] [--atol X] [--rtol X]
Prints the largest differences and one PASS/FAIL line; exits 0 on agreement, 1 on a
disagreement, 3 if torch is not importable (callers treat 3 as "skipped").
"""
import argparse
import gzip
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # the optional test skips on this
    print(f"torch_check: {e}; skipped", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lenet98_model as lm  # noqa: E402  (the loader written from lenet98/MODEL-FORMAT.md)


def read_idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            raw = (gzip.open if p.endswith(".gz") else open)(p, "rb").read()
            dims = raw[3]
            shape = struct.unpack_from(">" + "I" * dims, raw, 4)
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{path}: no such IDX file")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="data")
    ap.add_argument("--set", default="test", choices=["test", "train"])
    ap.add_argument("--lenet98", default=os.path.join("build", "lenet98"))
    ap.add_argument("--limit", type=int, default=0, help="compare the first N images only")
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--rtol", type=float, default=1e-5)
    a = ap.parse_args()
    torch.set_num_threads(1)

    try:
        model = lm.read(a.model)
    except lm.ModelError as e:
        sys.exit(str(e))
    arch = model.arch
    prefix = "t10k" if a.set == "test" else "train"
    img = read_idx(os.path.join(a.data, f"{prefix}-images-idx3-ubyte"))
    lab = read_idx(os.path.join(a.data, f"{prefix}-labels-idx1-ubyte"))
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "dump.tsv")
        subprocess.run([a.lenet98, "eval", "--model", a.model, "--data", a.data, "--set", a.set,
                        "--dump", dump], check=True, stdout=subprocess.DEVNULL)
        rows = np.loadtxt(dump, comments="#", skiprows=2, ndmin=2)
    n = len(rows) if not a.limit else min(a.limit, len(rows))
    rows = rows[:n]

    # input coding (MODEL-FORMAT.md section 2): 28x28 padded with 2 background pixels a side
    x = torch.from_numpy(lm.code_input(img[:n], arch))
    net = lm.torch_module(model, dtype=torch.float64)
    with torch.no_grad():
        out = net(x).numpy()

    ours = rows[:, 3:13]
    diff = np.abs(ours - out)
    bad = diff > a.atol + a.rtol * np.abs(out)
    pred = out.argmax(1) if arch["out"] == "linear" else out.argmin(1)
    same_label = (rows[:, 1] == lab[:n]).all()
    same_pred = int((rows[:, 2] == pred).sum())
    # a different winner only counts when torch's top two are further apart than the tolerance
    srt = np.sort(out if arch["out"] == "linear" else -out, axis=1)
    clear = (srt[:, -1] - srt[:, -2]) > 10 * (a.atol + a.rtol * np.abs(srt[:, -1]))
    wrong_pred = int(((rows[:, 2] != pred) & clear).sum())
    worst = np.unravel_index(diff.argmax(), diff.shape)
    print(f"# architecture {arch}; {n} {a.set} images; torch {torch.__version__} (float64) vs "
          f"lenet98 eval --dump (float32)")
    print(f"max |difference| {diff.max():.3g} (image {worst[0]}, output {worst[1]}: "
          f"lenet98 {ours[worst]:.9g}, torch {out[worst]:.9g}); mean {diff.mean():.3g}; "
          f"outputs up to {np.abs(out).max():.3g} in size")
    print(f"same predicted class on {same_pred} of {n} images; "
          f"{int(bad.sum())} outputs outside atol {a.atol:g} + rtol {a.rtol:g}")
    ok = not bad.any() and same_label and wrong_pred == 0
    print(f"{'PASS' if ok else 'FAIL'} torch_check {a.model}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
