/* model.h: model files. lenet98/MODEL-FORMAT.md is the full description, enough to rebuild
 * either network without this code (experiments/lenet98_model.py is written from it alone).
 * The bytes (all integers little-endian):
 *
 *   offset  size  field
 *   0       8     magic "LENET98M"
 *   8       4     u32 format version = 1
 *   12      4     u32 header size = 160 (the parameters start here)
 *   16      64    architecture tag, ASCII, NUL-padded: "lenet5", "modern", or
 *                 "pool=subsample|max|average,c3=table|full,out=rbf|linear,squash=scaled|tanh,
 *                 input=paper|unit" (no spaces; missing keys take their lenet5 values)
 *   80      4     u32 n, the number of parameters
 *   84      4     u32 number of tensors = 14
 *   88      56    u32[14] elements of each tensor, in the order
 *                 c1w c1b s2c s2b c3w c3b s4c s4b c5w c5b f6w f6b ow ob (0 = absent)
 *   144     8     u64 seed the model was initialised from (information only)
 *   152     8     f64 rejection threshold (lenet_model.reject_threshold; 0 = not known)
 *   160     4n    the parameters, IEEE-754 float32 little-endian, tensor after tensor
 *   160+4n  4     u32 CRC-32 (zlib / IEEE 802.3) of bytes 0 .. 160+4n-1
 *
 * Tags: lenet5 = pool=subsample,c3=table,out=rbf,squash=scaled,input=paper; modern =
 * pool=max,c3=full,out=linear,squash=tanh,input=unit. squash: scaled f(a) = 1.7159 tanh(2a/3),
 * tanh f(a) = tanh(a). pool=subsample: S2/S4 map m is a = coef[m] * (SUM of the 2x2 block) +
 * bias[m], then f (not the average); pool=average: the same with the block's sum / 4 (a
 * reading measured in the README); pool=max: C1/C3's pre-activations are max-pooled 2x2,
 * then squashed (f(max a): in exact arithmetic max f(a), f increasing), no parameters.
 * input=paper: grey v (0 = background) -> v*1.275/255 - 0.1; unit: v/255; the 28x28 image then sits in the 32x32 field with 2 background pixels (-0.1,
 * resp. 0) on each side. out=rbf: y_i = sum_j (x_j - w_ij)^2, class = argmin; the file has
 * no output tensor (ow, ob: 0 elements): w (10,84) are Figure 3's fixed codes of '0'..'9'
 * (experiments/paper/rbf-codes-7x12.txt, printed in MODEL-FORMAT.md), ink '#' = +1, '.' = -1,
 * the 7x12 bitmap read row-major, top row first (cell (r,c) -> F6 unit 7r+c). out=linear:
 * z = ow x + ob, class = argmax. Why the codes are not stored (no version 2): MODEL-FORMAT.md.
 *
 * Tensor layouts (row-major): c1w (6,1,5,5); c3w under Table I (60,5,5): for C3 map 0..15 in
 * turn, one 5x5 kernel per connected S2 map in increasing order (Table I is printed in
 * MODEL-FORMAT.md and is LENET_TABLE_I in net.c), or (16,6,5,5) when full; c5w (120,16,5,5),
 * as a Linear(400,120) weight reshaped (120,400) with the S4 states flattened (channel, row,
 * column); f6w (84,120); ow (10,84). The 1-D tensors hold one value per map or unit: c1b (6),
 * s2c s2b (6), c3b (16), s4c s4b (16), c5b (120), f6b (84), ob (10). A 5x5 kernel w[ky][kx]
 * is applied as a correlation: a[o][y][x] = b[o] + sum w[ky][kx] in[c][y+ky][x+kx]
 * (PyTorch's Conv2d convention, so the arrays load into torch.nn.Conv2d / Linear weights as
 * they are). */
#ifndef MODEL_H
#define MODEL_H
#include "lenet.h"

#define MODEL_MAGIC "LENET98M"
#define MODEL_VERSION 1u
#define MODEL_HEADER 160u

size_t model_bytes(const lenet_model *m);
/* buf has model_bytes(m) bytes */
void model_encode(unsigned char *buf, const lenet_model *m, uint64_t seed);
/* NULL with "name: problem" in err if buf is not a valid model file */
lenet_model *model_decode(const unsigned char *buf, size_t len, const char *name,
                          uint64_t *seed, char *err, size_t errn);
int model_save(const lenet_model *m, uint64_t seed, const char *path, char *err, size_t errn);
lenet_model *model_load(const char *path, uint64_t *seed, char *err, size_t errn);

/* a whole file into a malloc'd buffer, at most max bytes (else an error) */
int read_file(const char *path, unsigned char **buf, size_t *len, size_t max, char *err,
              size_t errn);
uint32_t model_crc32(const unsigned char *buf, size_t len);
#endif
