#!/bin/sh
# mkcorpus.sh: writes the seed corpus tests/fuzz/corpus/<target>/, a few small valid and
# nearly valid files per reader (run from the repository root; the output is committed).
# `make fuzz` adds a full model file made by `lenet98 init` to the model corpus, since one
# is 240 KB, and real checkpoints (tests/fuzz/mkckpt.sh) to the ckpt corpus.
set -eu
C=tests/fuzz/corpus
mkdir -p $C/idx $C/idx_gz $C/model $C/pgm $C/ckpt
# IDX images: 2 images of 3x4; labels: 3 labels
img() { printf '\000\000\010\003\000\000\000\002\000\000\000\003\000\000\000\004'
        printf '\000\377\200\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025'; }
lab() { printf '\000\000\010\001\000\000\000\003\000\011\005'; }
img > $C/idx/images; lab > $C/idx/labels
img | gzip -9n > $C/idx/images.gz; lab | gzip -9n > $C/idx/labels.gz
img | head -c 20 > $C/idx/images-truncated
img > $C/idx_gz/images; lab > $C/idx_gz/labels
# model: the 160-byte header of a lenet5 model and its first parameters, cut short
printf 'LENET98M\001\000\000\000\240\000\000\000lenet5' > $C/model/header
head -c 58 /dev/zero >> $C/model/header                   # tag padding to offset 80
printf '\140\352\000\000\016\000\000\000' >> $C/model/header # n = 60000, 14 tensors
for s in 150 6 6 6 1500 16 16 16 48000 120 10080 84 0 0; do   # lenet5's tensor sizes
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((s & 255)) $((s >> 8 & 255)) 0 0)"
done >> $C/model/header
printf '\001\000\000\000\000\000\000\000' >> $C/model/header # seed 1
head -c 8 /dev/zero >> $C/model/header
printf '\000\000\200\077\000\000\000\300' >> $C/model/header # 1.0f, -2.0f
# PGM: P2 with a comment, 8-bit P5, 16-bit P5
printf 'P2\n# a comment\n3 2\n15\n0 15 7\n1 2 3\n' > $C/pgm/p2.pgm
printf 'P5 4 3 255\n\000\377\000\377\200\200\200\200\000\000\377\377' > $C/pgm/p5.pgm
printf 'P5\n2 2\n#c\n65535\n\377\377\000\000\200\000\000\001' > $C/pgm/p5-16bit.pgm
# checkpoint: the head of a version-3 checkpoint with tests/ckpt.sh's settings line, then
# pass 1, pattern 0 and zero counters, cut short before the log
u64() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))\\000\\000\\000\\000"; }
S="arch=lenet5 init=paper loss=map j=1 optimizer=sdlm mu=0.02 eta_scale=1 passes=3 train_size=40 hessian_samples=10 hessian_every=0 seed=7 eps_max=0.001"
{ printf 'LENET98C'; u64 3; u64 ${#S}; printf '%s' "$S"; u64 0; u64 3; u64 1; u64 0; u64 0; u64 0; u64 0; u64 0; } > $C/ckpt/head
{ printf 'LENET98C'; u64 2; u64 ${#S}; printf '%s' "$S"; u64 1; } > $C/ckpt/version2
