/* checkpoint.h: training checkpoints, `MODEL.ckpt` beside the model `lenet98 train -o MODEL`
 * writes (Sec. III-B's passes, resumable). A checkpoint names the next pattern to train and
 * holds everything the rest of the run depends on, so a resumed run computes the same bits as
 * an uninterrupted one. The bytes (u64 little-endian; `real` is float32, or float64 in the
 * -DLENET_DOUBLE build, in the machine's byte order: a checkpoint is for the machine and
 * build that wrote it, unlike a model file):
 *
 *   size        field
 *   8           magic "LENET98C"
 *   8           u64 version = CKPT_VERSION (2; version 1 had no velocity block)
 *   8           u64 s, the length of the settings line
 *   s           the settings line (ASCII, no NUL); a resume must give the same line
 *   8           u64 pass, the pass under way, 1-based
 *   8           u64 pos, the next pattern of the pass (0 = the pass has not started)
 *   8           u64 on-the-fly errors so far in this pass
 *   8           f64 sum of E^p so far in this pass (IEEE-754 bits)
 *   8           f64 seconds spent in this pass before the checkpoint
 *   8           u64 l, the length of the log text
 *   l           the log rows of the finished passes (TSV text, no NUL)
 *   8           u64 g, gsl_rng_size of the generator
 *   g           gsl_rng_state, copied as is
 *   8           u64 e, the number of SDLM step sizes eps_k: n mid-pass under SDLM, else 0
 *               (at a pass boundary they are re-estimated, Eq. 21-27)
 *   e*sizeof(real)  eps_k, k = 0..n-1
 *   8           u64 v, the number of SGD velocity entries: n under SGD, else 0
 *   v*sizeof(real)  the velocity, one per parameter
 *   8           u64 b, the length of the model
 *   b           the model file's bytes (model.h), seed included
 *   8           u64 CRC-32 (zlib) of every byte before this field
 *
 * n is the model's parameter count. Reading checks, in order: magic, CRC, version, settings,
 * sizes (no bytes left over, the generator's size, e and v each 0 or n, and mid-pass at least
 * one of them non-zero). */
#ifndef LENET98_CHECKPOINT_H
#define LENET98_CHECKPOINT_H

#include "lenet.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#define CKPT_MAGIC "LENET98C"
#define CKPT_VERSION 2u /* 2: + the SGD velocity */

/* Everything a checkpoint holds besides the model. */
/* Everything a checkpoint holds besides the model. */
typedef struct {
    long pass;       /* the pass under way, 1-based */
    long pos;        /* next pattern of the pass; 0 = the pass has not started */
    long otf_errors; /* on-the-fly errors so far in this pass */
    double loss_sum; /* sum of E^p so far in this pass */
    double seconds;  /* time spent in this pass before the checkpoint */
    char *log;       /* the log rows of the finished passes (malloc'd text) */
    size_t log_len, log_cap;
} train_state;
/* Writes path (temp file, then rename). eps: the SDLM step sizes (stored only mid-pass,
 * st->pos > 0), or NULL; vel: the SGD velocity, or NULL. Returns 0, or -1 with err. */
int checkpoint_write(const char *path, const char *settings, const train_state *st,
                     const gsl_rng *r, const real *eps, const real *vel,
                     const lenet_model *m, uint64_t seed, char *err, size_t errn);
/* Reads a checkpoint written with the same settings into *st and r. Returns the model, or
 * NULL with err. *eps (SDLM step sizes) and *vel (SGD velocity, if the checkpoint has one)
 * are malloc'd. */
lenet_model *checkpoint_read(const char *path, const char *settings, train_state *st,
                             gsl_rng *r, real **eps, real **vel, char *err, size_t errn);

#endif
