#!/bin/sh
# mkckpt.sh BUILD DIR: writes three real checkpoints into DIR for the ckpt fuzz target's
# working corpus (each is 240-480 KB, so they are made, not committed): a finished SDLM run,
# an SDLM run interrupted mid-pass (with step sizes) and an SGD run interrupted mid-pass (with
# velocity), on the tiny data set of the tests (tests/lib.sh), with tests/ckpt.sh's settings.
set -eu
B=$1; D=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SUITE=mkckpt
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/d" "$D"
mkidx "$T/d" train 40
mkidx "$T/d" t10k 20
TR="--data $T/d --passes 3 --train-size 40 --hessian-samples 10 --seed 7"
"$B/lenet98" train $TR -o "$T/end.bin" >/dev/null
LENET98_STOP_AT=2,17 "$B/lenet98" train $TR -o "$T/mid.bin" >/dev/null 2>&1 || [ $? -eq 130 ]
LENET98_STOP_AT=2,17 "$B/lenet98" train --data "$T/d" --passes 3 --train-size 40 --seed 7 --arch modern --batch 6 -o "$T/sgd.bin" >/dev/null 2>&1 || [ $? -eq 130 ]
cp "$T/end.bin.ckpt" "$D/ckpt-end"; cp "$T/mid.bin.ckpt" "$D/ckpt-mid"; cp "$T/sgd.bin.ckpt" "$D/ckpt-sgd"
