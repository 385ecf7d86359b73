#!/usr/bin/env python3
"""lenet98_model.py: read a lenet98 model file into NumPy arrays, run the network in NumPy,
and (when PyTorch is present) build the matching torch.nn.Module, from nothing but the format
documented in lenet98/MODEL-FORMAT.md (no code of lenet98 is used).

    import lenet98_model as lm
    m = lm.read("m.bin")                  # m.arch, m.tag, m.seed, m.reject_threshold, m.params["c1w"] (6,1,5,5)...
    x = lm.code_input(images28, m.arch)   # uint8 (N,28,28) -> float64 (N,1,32,32)
    y = lm.forward(m, x)                  # (N,10): RBF penalties or linear scores
    net = lm.torch_module(m)              # torch.nn.Module, same outputs

As a program: lenet98_model.py MODEL IMAGES.idx DUMP.tsv [--tol X] compares the NumPy
forward pass with `lenet98 eval --dump` (prints the largest difference and PASS or FAIL).
"""
import os
import struct
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CODES_FILE = os.path.join(HERE, "paper", "rbf-codes-7x12.txt")
NAMES = "c1w c1b s2c s2b c3w c3b s4c s4b c5w c5b f6w f6b ow ob".split()
PRESETS = {
    "lenet5": "pool=subsample,c3=table,out=rbf,squash=scaled,input=paper",
    "modern": "pool=max,c3=full,out=linear,squash=tanh,input=unit",
}
KEYS = {"pool": ("subsample", "max", "average"), "c3": ("table", "full"), "out": ("rbf", "linear"),
        "squash": ("scaled", "tanh"), "input": ("paper", "unit")}
# Table I (Sec. II-B): the S2 maps read by each C3 map 0..15
TABLE_I = ["012", "123", "234", "345", "045", "015", "0123", "1234", "2345", "0345", "0145",
           "0125", "0134", "1245", "0235", "012345"]


class ModelError(Exception):
    pass


class Model:
    def __init__(self, tag, arch, seed, version, params, reject_threshold=0.0):
        self.tag, self.arch, self.seed, self.version, self.params = tag, arch, seed, version, params
        self.reject_threshold = reject_threshold  # classify's gap threshold; 0.0 = not known


def parse_arch(tag):
    """A tag -> {key: value}; key=value lists start from lenet5 (MODEL-FORMAT.md, 'Tags')."""
    arch = dict(kv.split("=") for kv in PRESETS["lenet5"].split(","))
    for kv in PRESETS.get(tag, tag).split(","):
        k, _, v = kv.partition("=")
        if k not in KEYS or v not in KEYS[k]:
            raise ModelError(f"unknown architecture tag {tag!r}")
        arch[k] = v
    return arch


def shapes(arch):
    """The shape of each of the 14 tensors under arch; None for an absent tensor."""
    sub, lin = arch["pool"] != "max", arch["out"] == "linear"
    return {"c1w": (6, 1, 5, 5), "c1b": (6,), "s2c": (6,) if sub else None,
            "s2b": (6,) if sub else None,
            "c3w": (60, 5, 5) if arch["c3"] == "table" else (16, 6, 5, 5), "c3b": (16,),
            "s4c": (16,) if sub else None, "s4b": (16,) if sub else None,
            "c5w": (120, 16, 5, 5), "c5b": (120,), "f6w": (84, 120), "f6b": (84,),
            "ow": (10, 84) if lin else None, "ob": (10,) if lin else None}


def read(path):
    """A model file -> Model, every field checked as lenet98's reader does."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 164 or b[:8] != b"LENET98M":
        raise ModelError(f"{path}: not a lenet98 model file (bad magic or too short)")
    version, header = struct.unpack_from("<II", b, 8)
    if version != 1 or header != 160:
        raise ModelError(f"{path}: unsupported model file version {version}")
    raw_tag = b[16:80]
    if b"\0" not in raw_tag:
        raise ModelError(f"{path}: unknown architecture tag")
    tag = raw_tag.split(b"\0")[0].decode("ascii", "replace")
    arch = parse_arch(tag)
    n, ntensors = struct.unpack_from("<II", b, 80)
    sizes = struct.unpack_from("<14I", b, 88)
    shp = shapes(arch)
    want = [int(np.prod(shp[k])) if shp[k] else 0 for k in NAMES]
    if ntensors != 14 or list(sizes) != want or n != sum(want):
        raise ModelError(f"{path}: parameter counts do not match architecture {tag}")
    if len(b) != 160 + 4 * n + 4:
        raise ModelError(f"{path}: size {len(b)} bytes, expected {160 + 4 * n + 4}")
    if zlib.crc32(b[:160 + 4 * n]) != struct.unpack_from("<I", b, 160 + 4 * n)[0]:
        raise ModelError(f"{path}: checksum mismatch (corrupt file)")
    flat = np.frombuffer(b, dtype="<f4", count=n, offset=160)
    if not np.isfinite(flat).all():
        raise ModelError(f"{path}: a parameter is NaN or infinite (a damaged model)")
    params, off = {}, 0
    for name, k in zip(NAMES, sizes):
        params[name] = flat[off:off + k].reshape(shp[name]).copy() if k else None
        off += k
    seed = struct.unpack_from("<Q", b, 144)[0]
    thr = struct.unpack_from("<d", b, 152)[0]
    if not np.isfinite(thr) or thr < 0:
        raise ModelError(f"{path}: the rejection threshold (bytes 152-159) is {thr}, not a "
                         "finite number >= 0 (a damaged model)")
    return Model(tag, arch, seed, version, params, thr)


def rbf_codes(path=CODES_FILE):
    """Figure 3's codes of '0'..'9' (ASCII 48..57): (10, 84), ink '#' = +1, '.' = -1, the
    7x12 bitmap read row-major, top row first. path: the codes file or MODEL-FORMAT.md."""
    codes, cur, rows = {}, None, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("code "):
                cur, rows = int(line.split()[1]), []
            elif cur is not None and len(line) == 7 and set(line) <= set(".#"):
                rows.append([1.0 if ch == "#" else -1.0 for ch in line])
                if len(rows) == 12:
                    codes[cur], cur = sum(rows, []), None
    return np.array([codes[48 + d] for d in range(10)])


def table_i():
    """(16, 6) 0/1: C3 map o reads S2 map i."""
    t = np.zeros((16, 6))
    for o, ins in enumerate(TABLE_I):
        t[o, [int(c) for c in ins]] = 1
    return t


def c3_dense(m):
    """c3w as a (16,6,5,5) weight, zero where Table I has no connection."""
    w = m.params["c3w"].astype(np.float64)
    if m.arch["c3"] == "full":
        return w
    dense = np.zeros((16, 6, 5, 5))
    dense[table_i().astype(bool)] = w  # (o, i) pairs in row-major order = the file's order
    return dense


def code_input(img, arch):
    """uint8 (N,28,28) -> (N,1,32,32): v -> lo + (hi - lo) v / 255, padded by 2 pixels of lo
    on each side; lo, hi = -0.1, 1.175 (input=paper) or 0, 1 (input=unit)."""
    lo, hi = (-0.1, 1.175) if arch["input"] == "paper" else (0.0, 1.0)
    x = lo + (hi - lo) * np.asarray(img, dtype=np.float64) / 255.0
    return np.pad(x, ((0, 0), (2, 2), (2, 2)), constant_values=lo)[:, None]


def _conv(x, w, b):
    """valid correlation: x (N,C,H,W), w (O,C,5,5), b (O) -> (N,O,H-4,W-4)"""
    n, c, h, wd = x.shape
    k = w.shape[2]
    out = np.zeros((n, w.shape[0], h - k + 1, wd - k + 1))
    for ky in range(k):
        for kx in range(k):
            out += np.einsum("nchw,oc->nohw", x[:, :, ky:ky + h - k + 1, kx:kx + wd - k + 1],
                             w[:, :, ky, kx])
    return out + b[None, :, None, None]


def forward(m, x):
    """x (N,1,32,32) -> (N,10), float64, in NumPy alone."""
    p = {k: (v.astype(np.float64) if v is not None else None) for k, v in m.params.items()}
    a = m.arch
    f = (lambda v: 1.7159 * np.tanh(v * (2.0 / 3.0))) if a["squash"] == "scaled" else np.tanh

    def pool(h, coef, bias):  # squash first (the caller), then pool; or sum, scale, squash
        n, c, hh, ww = h.shape
        blocks = h.reshape(n, c, hh // 2, 2, ww // 2, 2)
        if a["pool"] == "max":
            return blocks.max(axis=(3, 5))
        k = 0.25 if a["pool"] == "average" else 1.0  # the block's mean, or its sum
        return f(k * coef[None, :, None, None] * blocks.sum(axis=(3, 5)) + bias[None, :, None, None])

    h = pool(f(_conv(x, p["c1w"], p["c1b"])), p["s2c"], p["s2b"])
    h = pool(f(_conv(h, c3_dense(m), p["c3b"])), p["s4c"], p["s4b"])
    h = f(h.reshape(len(h), 400) @ p["c5w"].reshape(120, 400).T + p["c5b"])
    h = f(h @ p["f6w"].T + p["f6b"])
    if a["out"] == "linear":
        return h @ p["ow"].T + p["ob"]
    return ((h[:, None, :] - rbf_codes()[None]) ** 2).sum(2)  # Eq. 7


def predict(m, y):
    return y.argmax(1) if m.arch["out"] == "linear" else y.argmin(1)


def torch_module(m, dtype=None):
    """The network as a torch.nn.Module (needs PyTorch). Input (N,1,32,32) as code_input
    makes it; output (N,10). The modern network is the tutorial's: Conv2d(1,6,5),
    Conv2d(6,16,5), Linear(400,120), Linear(120,84), Linear(84,10); under out=rbf, C5 is a
    Conv2d(16,120,5) and the output the fixed RBF of Eq. 7."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    dtype = dtype or torch.float32
    a = m.arch
    t = lambda arr: torch.tensor(np.asarray(arr, dtype=np.float64), dtype=dtype)

    class Squash(nn.Module):
        def forward(self, v):
            return 1.7159 * torch.tanh(v * (2.0 / 3.0)) if a["squash"] == "scaled" else torch.tanh(v)

    class Subsample(nn.Module):  # coefficient * (sum, or mean, of each 2x2 block) + bias, then f
        def __init__(self, coef, bias):
            super().__init__()
            self.coef, self.bias = nn.Parameter(t(coef)), nn.Parameter(t(bias))

        def forward(self, v):
            s = F.avg_pool2d(v, 2) if a["pool"] == "average" else F.avg_pool2d(v, 2, divisor_override=1)
            return self.coef.view(1, -1, 1, 1) * s + self.bias.view(1, -1, 1, 1)

    class MaskedConv(nn.Conv2d):  # C3 under Table I: a full conv whose weights off the table are 0
        def __init__(self, mask):
            super().__init__(6, 16, 5, dtype=dtype)
            self.register_buffer("mask", t(mask)[:, :, None, None])

        def forward(self, v):
            return F.conv2d(v, self.weight * self.mask, self.bias)

    class RBF(nn.Module):  # Eq. 7 with fixed centres
        def __init__(self):
            super().__init__()
            self.register_buffer("codes", t(rbf_codes()))

        def forward(self, v):
            return ((v.unsqueeze(1) - self.codes.unsqueeze(0)) ** 2).sum(2)

    def load(mod, w, b):
        with torch.no_grad():
            mod.weight.copy_(t(w).view_as(mod.weight))
            mod.bias.copy_(t(b))
        return mod

    p = m.params
    pool = lambda c, b: nn.Sequential(Subsample(c, b), Squash()) if a["pool"] != "max" \
        else nn.MaxPool2d(2)
    c3 = MaskedConv(table_i()) if a["c3"] == "table" else nn.Conv2d(6, 16, 5, dtype=dtype)
    layers = [load(nn.Conv2d(1, 6, 5, dtype=dtype), p["c1w"], p["c1b"]), Squash(),
              pool(p["s2c"], p["s2b"]), load(c3, c3_dense(m), p["c3b"]), Squash(),
              pool(p["s4c"], p["s4b"])]
    if a["out"] == "linear":  # c5w (120,16,5,5) flattened (channel, row, column)
        layers += [nn.Flatten(), load(nn.Linear(400, 120, dtype=dtype), p["c5w"].reshape(120, 400), p["c5b"])]
    else:
        layers += [load(nn.Conv2d(16, 120, 5, dtype=dtype), p["c5w"], p["c5b"]), nn.Flatten()]
    layers += [Squash(), load(nn.Linear(120, 84, dtype=dtype), p["f6w"], p["f6b"]), Squash()]
    layers += [load(nn.Linear(84, 10, dtype=dtype), p["ow"], p["ob"])] if a["out"] == "linear" \
        else [RBF()]
    return nn.Sequential(*layers)


def read_idx(path):
    """an uncompressed IDX file -> ndarray"""
    with open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack_from(">" + "I" * dims, raw, 4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main(argv):
    if len(argv) < 3:
        print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
        return 2
    tol = float(argv[argv.index("--tol") + 1]) if "--tol" in argv else 1e-5
    try:
        m = read(argv[0])
    except ModelError as e:
        print(f"lenet98_model: {e}", file=sys.stderr)
        return 1
    img = read_idx(argv[1])
    rows = np.loadtxt(argv[2], comments="#", skiprows=2, ndmin=2)
    y = forward(m, code_input(img[:len(rows)], m.arch))
    diff = np.abs(rows[:, 3:13] - y)
    rel = (diff / (1 + np.abs(y))).max()
    print(f"# {argv[0]}: {m.tag}, {len(rows)} images; NumPy float64 vs lenet98 eval --dump: "
          f"max |difference| {diff.max():.3g}, relative {rel:.3g}, outputs up to "
          f"{np.abs(y).max():.3g}; same class on {int((predict(m, y) == rows[:, 2]).sum())}")
    ok = rel <= tol
    print(f"{'PASS' if ok else 'FAIL'} lenet98_model {argv[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
