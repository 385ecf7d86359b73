/* eval.h: evaluation, a network's decisions on a set of MNIST patterns. */
#ifndef EVAL_H
#define EVAL_H
#include "idx.h"
#include "lenet.h"

/* image i of s, coded as the network's input (32x32) */
void eval_pattern(real *in, const mnist_set *s, long i, lenet_coding coding);

/* Evaluates patterns 0..n-1 of s with both cores (OpenMP), deterministic. out (n,10) and pred
 * (n) may be NULL. Returns the number of errors, or -1 if out of memory. */
long eval_set(const lenet_model *m, const mnist_set *s, long n, real *out, int *pred);
#endif
