/* layers.h: the layers of LeNet-5, each a forward / backward / backward2 triple over plain
 * arrays. Backward passes accumulate (+=) into din and the parameter gradients; backward2
 * (the Gauss-Newton pass of Eq. 27) accumulates d2E/da2 into ddin and d2E/dw2 into the
 * Hessian diagonal, with the derivatives and weights squared. din / ddin may be NULL where
 * the input needs no derivative (the image). Shapes are (C,H,W), row-major. */
#ifndef LAYERS_H
#define LAYERS_H
#include "lenet.h"

/* ---- squashing: x = f(a) elementwise (Eq. 5-6) ---------------------------------------- */
/* f(a) = A tanh(S a) (scaled) or tanh(a). The derivative is taken from the state x:
 * f'(a) = S (A^2 - x^2) / A, or 1 - x^2. */
void squash_forward(real *x, const real *a, int n, lenet_squash kind);
void squash_backward(real *da, const real *dx, const real *x, int n, lenet_squash kind);
void squash_backward2(real *dda, const real *ddx, const real *x, int n, lenet_squash kind);
/* the same, writing (=) instead of accumulating: for a da no other layer adds to */
void squash_backward_set(real *da, const real *dx, const real *x, int n, lenet_squash kind);
void squash_backward2_set(real *dda, const real *ddx, const real *x, int n, lenet_squash kind);

/* ---- convolution: C1, C3 (and C5, which is also linear) --------------------------------
 * in (cin,h,w) -> out (cout,h-K+1,w-K+1), K = 5, valid; table (cout,cin) picks the input maps
 * of each output map (Table I), NULL = all; wt holds, for each output map o in turn, one KxK
 * kernel per connected input map, in increasing input order; b (cout). Out is the
 * pre-activation a (Eq. 5): a = sum over connected maps of the valid correlation + b. */
void conv_forward(real *out, const real *in, const real *wt, const real *b,
                  const unsigned char *table, int cin, int cout, int h, int w);
void conv_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                   const real *wt, const unsigned char *table, int cin, int cout, int h, int w);
void conv_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                    const real *wt, const unsigned char *table, int cin, int cout, int h,
                    int w);

/* ---- full connection: C5 (a 5x5 convolution over 5x5 maps), F6, linear output ---------
 * in (nin) -> out (nout); wt (nout,nin), b (nout). out = wt in + b. */
void linear_forward(real *out, const real *in, const real *wt, const real *b, int nin, int nout);
/* The same for n inputs at once (evaluation): out[q] = wt in[q] + b, q < n, the same bits as
 * linear_forward on each; each load of the weights serves LINEAR_N of them (C5's 192 KB are
 * then read from L2 once per LINEAR_N images, not once per image). */
enum { LINEAR_N = 4 };
void linear_forward_n(real *const *out, const real *const *in, const real *wt, const real *b,
                      int nin, int nout, int n);
void linear_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                     const real *wt, int nin, int nout);
void linear_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                      const real *wt, int nin, int nout);
/* linear_backward and the SDLM step of this layer's parameters (Eq. 18 with App. C's step
 * sizes) in one sweep over the weights, for a layer whose gradients are zero on entry (as
 * they are in training: every step leaves them zero): wt -= eps_w (dout in^T), b -= eps_b
 * dout, the same bits as linear_backward into zeroed dwt, db then sdlm_update on these
 * tensors; the gradient is never stored (dwt, db are not touched and stay zero). din is
 * taken through the weights before the step. */
void linear_backward_sdlm(real *din, real *wt, real *b, const real *dout, const real *in,
                          const real *eps_w, const real *eps_b, int nin, int nout);

/* ---- subsampling: S2, S4 (Sec. II-B) ---------------------------------------------------
 * in (c,h,w) -> out (c,h/2,w/2); coef (c), bias (c). a = coef * (sum of the 2x2 block) + bias
 * (the 1998 "trainable coefficient and bias"; then f). */
void subsamp_forward(real *out, const real *in, const real *coef, const real *bias, int c,
                     int h, int w);
void subsamp_backward(real *din, real *dcoef, real *dbias, const real *dout, const real *in,
                      const real *coef, int c, int h, int w);
/* backward2: the Gauss-Newton second-derivative pass (Eq. 24-27). Two readings of Eq. 23
 * for the coefficient, shared by the four connections of each unit's 2x2 block: _eq23 sums
 * over those connections, h_coef += d2E/da2 sum_q x_q^2 (the literal reading, the default);
 * subsamp_backward2 takes the block's sum s as the coefficient's one input, h_coef +=
 * d2E/da2 s^2 (the exact second derivative of a = coef s + bias). ddin and hbias agree. */
void subsamp_backward2(real *ddin, real *hcoef, real *hbias, const real *ddout,
                       const real *in, const real *coef, int c, int h, int w);
void subsamp_backward2_eq23(real *ddin, real *hcoef, real *hbias, const real *ddout,
                            const real *in, const real *coef, int c, int h, int w);
/* the same three with din (ddin) set, not added to: every element written (an odd h's or
 * w's inputs in no block to zero), so the caller need not clear it first */
void subsamp_backward_set(real *din, real *dcoef, real *dbias, const real *dout,
                          const real *in, const real *coef, int c, int h, int w);
void subsamp_backward2_set(real *ddin, real *hcoef, real *hbias, const real *ddout,
                           const real *in, const real *coef, int c, int h, int w);
void subsamp_backward2_eq23_set(real *ddin, real *hcoef, real *hbias, const real *ddout,
                                const real *in, const real *coef, int c, int h, int w);

/* ---- max-pool (the modern variant) -------------------------------------------------------
 * in (c,h,w) -> out (c,h/2,w/2): max of each 2x2 block; no parameters. The derivative goes to
 * the first maximal input of each block (row-major), as in PyTorch. */
void maxpool_forward(real *out, const real *in, int c, int h, int w);
/* maxpool_forward on 16 lanes where it fits (the same bits), for evaluation */
void maxpool_forward_wide(real *out, const real *in, int c, int h, int w);
void maxpool_backward(real *din, const real *dout, const real *in, int c, int h, int w);
void maxpool_backward2(real *ddin, const real *ddout, const real *in, int c, int h, int w);

/* ---- Euclidean RBF output (Eq. 7) ---------------------------------------------------------
 * x (nin) -> y (nout): y_i = sum_j (x_j - w_ij)^2, w (nout,nin) fixed (no gradient).
 * backward2 starts Eq. 27 from the output: d2E/dx_j2 =
 *   sum_i [ d2E/dy_i2 (2 (x_j - w_ij))^2 + dE/dy_i * 2 ]
 * i.e. Gauss-Newton through the RBF plus the RBF's own exact curvature (d2y_i/dx_j2 = 2),
 * which for Eq. 8 gives the 2 of the spec. Both terms are >= 0 for Eq. 8 and Eq. 9. */
void rbf_forward(real *y, const real *x, const real *w, int nin, int nout);
void rbf_backward(real *dx, const real *dy, const real *x, const real *w, int nin, int nout);
void rbf_backward2(real *ddx, const real *ddy, const real *dy, const real *x, const real *w,
                   int nin, int nout);

/* ---- the AVX-512 kernels ---------------------------------------------------------------
 * conv_forward_wide: conv_forward, the same bits, on 16 lanes (AVX-512) where the machine has
 * x86-64-v4 (conv_forward itself where not). For evaluation, where the convolutions are most of
 * the work: on the Intel Xeon this was measured on, code right after 512-bit multiply-adds runs
 * about 7% slower (the core's clock drops for a while), which costs a training step more than
 * its two forward convolutions gain (README, Speed). layers_wide: 1 when the 16 lanes are taken
 * here; layers_set_wide(0) turns them off, (1) back on where the machine has them, returning
 * the previous setting: for the tests and the benchmark, which compare the two in one run. */
void conv_forward_wide(real *out, const real *in, const real *wt, const real *b,
                       const unsigned char *table, int cin, int cout, int h, int w);
/* squash_forward on 16 lanes the same way (the same bits), for the same use */
void squash_forward_wide(real *x, const real *a, int n, lenet_squash kind);
/* subsamp_forward on 16 lanes the same way (the same bits), for the same use */
void subsamp_forward_wide(real *out, const real *in, const real *coef, const real *bias, int c,
                          int h, int w);
/* linear_forward_n the same way (the same bits): 8 and then 4 inputs at a time on 16 lanes,
 * two to a vector, the rest through linear_forward_n */
void linear_forward_n_wide(real *const *out, const real *const *in, const real *wt,
                           const real *b, int nin, int nout, int n);
int layers_wide(void);
int layers_set_wide(int on);

/* ---- naive references ----------------------------------------------------------------
 * conv_* and linear_* above run fast kernels (layers.c); these are the plain loops they
 * replace, same contracts (square = 0: x_backward, 1: x_backward2), kept for the tests that
 * compare the two and as the readable statement of what the fast kernels compute. */
void conv_forward_ref(real *out, const real *in, const real *wt, const real *b,
                      const unsigned char *table, int cin, int cout, int h, int w);
void conv_backward_ref(real *din, real *dwt, real *db, const real *dout, const real *in,
                       const real *wt, const unsigned char *table, int cin, int cout, int h,
                       int w, int square);
void linear_forward_ref(real *out, const real *in, const real *wt, const real *b, int nin,
                        int nout);
void linear_backward_ref(real *din, real *dwt, real *db, const real *dout, const real *in,
                         const real *wt, int nin, int nout, int square);

#endif
