#!/bin/sh
# train-run.sh [TRAIN FLAGS...]: one training run, shared by every experiment. The run is
# named by a hash of the settings line `lenet98 train --settings` prints for the flags (so
# the same training asked for by two figures, in any flag order, is trained once) and lives
# in build/runs/HASH.{bin,log.tsv,ckpt,out,err,settings}. A finished run is reused, an
# interrupted one resumed from its checkpoint; FORCE=1 retrains. Prints the log's path.
# Two drivers asking for the same run at once (make -j2) take turns through a lock (flock).
# LINK=PREFIX also makes PREFIX.bin and PREFIX.bin.log.tsv symbolic links to the run.
# Environment: DATA (default data), LENET98 (default build/lenet98), RUNS_DIR, FORCE, LINK.
set -eu
L=${LENET98:-build/lenet98}
runs=${RUNS_DIR:-build/runs}
data=${DATA:-data}
settings=$("$L" train --settings "$@")
key=$(printf '%s data=%s\n' "$settings" "$data" | sha256sum | cut -c1-16)
mkdir -p "$runs"
base=$runs/$key
link() {
    [ -n "${LINK:-}" ] || return 0
    mkdir -p "$(dirname "$LINK")"
    ln -sf "$(realpath "$base.bin")" "$LINK.bin"
    ln -sf "$(realpath "$base.log.tsv")" "$LINK.bin.log.tsv"
}
exec 9> "$base.lock"
flock 9
if [ "${FORCE:-0}" != 1 ] && [ -f "$base.bin" ] && [ -f "$base.log.tsv" ]; then
    echo "train-run: reusing $base ($settings)" >&2
    link
    echo "$base.log.tsv"; exit 0
fi
[ "${FORCE:-0}" = 1 ] && rm -f "$base.ckpt"
rm -f "$base.bin"
printf '%s data=%s\n' "$settings" "$data" > "$base.settings"
resume=""
[ -f "$base.ckpt" ] && resume="--resume $base.ckpt"
echo "train-run: $L train $* -o $base.bin $resume" >&2
# shellcheck disable=SC2086 # resume is empty or two words
if ! OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$L" train "$@" --data "$data" -o "$base.bin" --log "$base.log.tsv" $resume \
        > "$base.out" 2> "$base.err"; then
    cat "$base.err" >&2
    exit 1
fi
link
echo "$base.log.tsv"
