#!/usr/bin/env python3
"""torch_check.py: does lenet98's forward pass agree with the same network built in PyTorch?

Reads a lenet98 model file using only the documented format (lenet98/model.h), builds the
network from stock PyTorch modules (torch.nn.functional conv2d / max_pool2d / avg_pool2d /
linear / tanh, NCHW, correlation), runs it in float64 on MNIST images read from the IDX
files, and compares the ten outputs with `lenet98 eval --dump` (float32), image by image.

Every architecture tag is supported: the 1998 elements are expressed in torch terms too
(sub-sampling = 4 * avg_pool2d * coefficient + bias; Table I = a full conv2d whose weights
are zero off the table; RBF output = squared Euclidean distances to the Figure 3 codes).
The Table I and the codes are taken from the paper (the spec sheet and
experiments/paper/rbf-codes-7x12.txt), not from the C source.

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
import zlib

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the optional test skips on this
    print(f"torch_check: {e}; skipped", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = "c1w c1b s2c s2b c3w c3b s4c s4b c5w c5b f6w f6b ow ob".split()
PRESETS = {
    "lenet5": "pool=subsample,c3=table,out=rbf,squash=scaled,input=paper",
    "modern": "pool=max,c3=full,out=linear,squash=tanh,input=unit",
}
# Table I of the paper: the S2 maps feeding each C3 map
TABLE_I = ["012", "123", "234", "345", "045", "015", "0123", "1234", "2345", "0345", "0145",
           "0125", "0134", "1245", "0235", "012345"]


def read_model(path):
    """model.h: 160-byte header, float32 parameters tensor after tensor, CRC-32."""
    b = open(path, "rb").read()
    if len(b) < 164 or b[:8] != b"LENET98M":
        sys.exit(f"{path}: not a lenet98 model file")
    version, header = struct.unpack_from("<II", b, 8)
    if version != 1 or header != 160:
        sys.exit(f"{path}: unsupported version {version} / header {header}")
    tag = b[16:80].rstrip(b"\0").decode("ascii")
    n, ntensors = struct.unpack_from("<II", b, 80)
    sizes = struct.unpack_from("<14I", b, 88)
    if ntensors != 14 or sum(sizes) != n or len(b) != 160 + 4 * n + 4:
        sys.exit(f"{path}: inconsistent header")
    if zlib.crc32(b[:160 + 4 * n]) != struct.unpack_from("<I", b, 160 + 4 * n)[0]:
        sys.exit(f"{path}: CRC mismatch")
    flat = np.frombuffer(b, dtype="<f4", count=n, offset=160).astype(np.float64)
    params, off = {}, 0
    for name, k in zip(NAMES, sizes):
        params[name] = torch.from_numpy(flat[off:off + k].copy()) if k else None
        off += k
    arch = dict(kv.split("=") for kv in PRESETS.get(tag, tag).split(","))
    return arch, params


def read_idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            raw = (gzip.open if p.endswith(".gz") else open)(p, "rb").read()
            dims = raw[3]
            shape = struct.unpack_from(">" + "I" * dims, raw, 4)
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{path}: no such IDX file")


def rbf_codes():
    """The ten digit codes (ASCII 48..57) of Figure 3, '#' = +1: (10, 84)."""
    codes, cur, rows = {}, None, []
    for line in open(os.path.join(HERE, "paper", "rbf-codes-7x12.txt")):
        line = line.strip()
        if line.startswith("code "):
            cur, rows = int(line.split()[1]), []
        elif cur is not None and line and line[0] in ".#":
            rows.append([1.0 if ch == "#" else -1.0 for ch in line])
            if len(rows) == 12:
                codes[cur] = sum(rows, [])
    return torch.tensor([codes[48 + d] for d in range(10)], dtype=torch.float64)


def forward(arch, p, x):
    """x (N,1,32,32) float64 -> outputs (N,10)."""
    if arch["squash"] == "scaled":
        f = lambda a: 1.7159 * torch.tanh(a * (2.0 / 3.0))
    else:
        f = torch.tanh

    def pool(h, coef, bias, maps):
        if arch["pool"] == "max":
            return F.max_pool2d(h, 2)
        s = 4.0 * F.avg_pool2d(h, 2)  # the sum of each 2x2 block
        return f(s * coef.view(1, maps, 1, 1) + bias.view(1, maps, 1, 1))

    h = f(F.conv2d(x, p["c1w"].view(6, 1, 5, 5), p["c1b"]))
    h = pool(h, p["s2c"], p["s2b"], 6)
    if arch["c3"] == "full":
        w3 = p["c3w"].view(16, 6, 5, 5)
    else:  # scatter the 60 Table I kernels into a (16,6,5,5) weight that is zero elsewhere
        w3 = torch.zeros(16, 6, 5, 5, dtype=torch.float64)
        k = p["c3w"].view(60, 5, 5)
        i = 0
        for o, ins in enumerate(TABLE_I):
            for c in ins:
                w3[o, int(c)] = k[i]
                i += 1
    h = f(F.conv2d(h, w3, p["c3b"]))
    h = pool(h, p["s4c"], p["s4b"], 16)
    h = f(F.conv2d(h, p["c5w"].view(120, 16, 5, 5), p["c5b"])).flatten(1)
    h = f(F.linear(h, p["f6w"].view(84, 120), p["f6b"]))
    if arch["out"] == "linear":
        return F.linear(h, p["ow"].view(10, 84), p["ob"])
    return ((h.unsqueeze(1) - rbf_codes().unsqueeze(0)) ** 2).sum(2)  # Eq. 7


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

    arch, params = read_model(a.model)
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

    # input coding (Sec. II-B): 28x28 padded with 2 background pixels a side
    lo, hi = (-0.1, 1.175) if arch["input"] == "paper" else (0.0, 1.0)
    x = torch.from_numpy(img[:n].astype(np.float64)).unsqueeze(1)
    x = F.pad(lo + (hi - lo) * x / 255.0, (2, 2, 2, 2), value=lo)
    with torch.no_grad():
        out = forward(arch, params, x).numpy()

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
