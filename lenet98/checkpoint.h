/* checkpoint.h: training checkpoints, `MODEL.ckpt` beside the model `lenet98 train -o MODEL`
 * writes (Sec. III-B's passes, resumable). A checkpoint names the next pattern to train and
 * holds everything the rest of the run depends on, so a resumed run computes the same bits as
 * an uninterrupted one. The bytes (u64 little-endian; `real` is float32, or float64 in the
 * -DLENET_DOUBLE build, in the machine's byte order: a checkpoint is for the machine and
 * build that wrote it, unlike a model file):
 *
 *   offset  size        field
 *   0       8           magic "LENET98C"
 *   8       8           u64 version = CKPT_VERSION (3; 2 had no data checksum and no passes
 *                       field, 1 no velocity block; neither is read)
 *   16      8           u64 s, the length of the settings line (at most CKPT_MAX_SETTINGS)
 *   24      s           the settings line (ASCII, no NUL); a resume must give the same line
 *   24+s    8           u64 the data checksum (checkpoint_data_sum) of the training and test
 *                       sets the run read; a resume must read the same data
 *   32+s    8           u64 passes, the number of passes of the run (--passes)
 *   40+s    8           u64 pass, the pass under way, 1-based: 1..passes, or passes + 1 when
 *                       the run is finished
 *           8           u64 pos, the next pattern of the pass, 0..N-1 (0 = the pass has not
 *                       started; N the number of training patterns); 0 when finished
 *           8           u64 on-the-fly errors so far in this pass, 0..pos
 *           8           f64 sum of E^p so far in this pass (IEEE-754 bits), finite, >= 0
 *           8           f64 seconds spent in this pass before the checkpoint, finite, >= 0
 *                       (the three counters of the pass are all 0 when pos = 0)
 *           8           u64 l, the length of the log text
 *           l           the log rows of the finished passes: pass - 1 rows, each ending in
 *                       a newline, printable ASCII and tabs, every row with as many fields
 *                       as the first, row k's first field the number k
 *           8           u64 g, gsl_rng_size of the generator (mt19937: 624 words and the
 *                       index, 5000 bytes on LP64)
 *           g           gsl_rng_state, copied as is: every word < 2^32, not all 0, the
 *                       index 0..624 (anything else makes GSL read outside its state or
 *                       return values >= 1 from gsl_rng_uniform)
 *           8           u64 e, the number of SDLM step sizes eps_k: n mid-pass under SDLM,
 *                       else 0 (at a pass boundary they are re-estimated, Eq. 21-27)
 *           e*sizeof(real)  eps_k, k = 0..n-1, each finite and > 0
 *           8           u64 v, the number of SGD velocity entries: n under SGD, else 0
 *           v*sizeof(real)  the velocity, one per parameter, each finite
 *           8           u64 b, the length of the model
 *           b           the model file's bytes (model.h), seed included: the architecture
 *                       and the seed the settings ask for
 *           8           u64: the CRC-32 (zlib) of every byte before this field in its low 4
 *                       bytes, 0 in its high 4 bytes
 *
 * n is the model's parameter count. Reading checks every field, in order: magic, CRC (and
 * its high bytes), version, settings, data checksum, passes, then each field as above, and
 * that no byte is left over. */
#ifndef LENET98_CHECKPOINT_H
#define LENET98_CHECKPOINT_H

#include "idx.h"
#include "lenet.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#define CKPT_MAGIC "LENET98C"
#define CKPT_VERSION 3u /* 3: + the data checksum and the number of passes */
#define CKPT_MAX_SETTINGS 4096u

/* Everything a checkpoint holds besides the model. */
typedef struct {
    long pass;       /* the pass under way, 1-based */
    long pos;        /* next pattern of the pass; 0 = the pass has not started */
    long otf_errors; /* on-the-fly errors so far in this pass */
    double loss_sum; /* sum of E^p so far in this pass */
    double seconds;  /* time spent in this pass before the checkpoint */
    char *log;       /* the log rows of the finished passes (malloc'd text) */
    size_t log_len, log_cap;
    uint64_t data_sum; /* checkpoint_data_sum of the data the run reads */
    long passes;       /* the run's number of passes */
} train_state;

/* What a checkpoint must agree with to be resumed: the run's settings line, its --passes and
 * --train-size N, architecture, optimiser (sgd: a velocity and no step sizes; else SDLM),
 * seed and data checksum. */
typedef struct {
    const char *settings;
    long passes, train_size;
    const lenet_arch *arch;
    int sgd;
    uint64_t seed;
    uint64_t data_sum;
} ckpt_expect;

/* Writes path (temp file, then rename). eps: the SDLM step sizes (stored only mid-pass,
 * st->pos > 0), or NULL; vel: the SGD velocity, or NULL. st->data_sum and st->passes are
 * stored as they are. Returns 0, or -1 with err. */
int checkpoint_write(const char *path, const char *settings, const train_state *st,
                     const gsl_rng *r, const real *eps, const real *vel,
                     const lenet_model *m, uint64_t seed, char *err, size_t errn);
/* Reads a checkpoint that agrees with *x into *st and r (an mt19937 generator), checking
 * every field (see the format above). Returns the model, or NULL with "path: problem" in err,
 * *st and r then untouched. *eps (SDLM step sizes) and *vel (SGD velocity, if the
 * checkpoint has one) are malloc'd. */
lenet_model *checkpoint_read(const char *path, const ckpt_expect *x, train_state *st,
                             gsl_rng *r, real **eps, real **vel, char *err, size_t errn);

/* A checksum of the data a run reads: the training and the test set as loaded (sizes, pixels,
 * labels; a gzipped file and its plain copy agree). FNV-1a, 64 bits. */
uint64_t checkpoint_data_sum(const mnist_set *train, const mnist_set *test);

/* Before a run that does not resume writes path: 0 if there is no file at path, or it holds
 * a finished run; else -1 with err: the checkpoint of an unfinished run ("continue it with
 * --resume PATH, or start over with --restart"), or a file that cannot be read as a
 * checkpoint (so whether it is finished is unknown). */
int checkpoint_check_fresh(const char *path, char *err, size_t errn);

/* What a stopped run may say about path, into buf: "the last good checkpoint PATH (pass P,
 * pattern Q) is intact" if path holds a readable checkpoint with this settings line, else
 * "no checkpoint of this run exists (PATH)". Returns buf. */
const char *checkpoint_describe(const char *path, const char *settings, char *buf, size_t n);

#endif
