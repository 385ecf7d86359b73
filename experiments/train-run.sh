#!/bin/sh
# train-run.sh NAME [TRAIN FLAGS...]: trains build/runs/NAME.bin with its log
# build/runs/NAME.log.tsv, or reuses them when both exist and the log was written with the
# same settings and the same binary; resumes from NAME.bin.ckpt when one is there with the
# same settings. Prints the path of the log.
set -eu
name=$1; shift
L=${LENET98:-build/lenet98}
runs=${RUNS_DIR:-build/runs}
mkdir -p "$runs"
model=$runs/$name.bin log=$runs/$name.log.tsv stamp=$runs/$name.flags
flags="$* --data ${DATA:-data}"
if [ -f "$model" ] && [ -f "$log" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$flags" ] &&
   [ "$model" -nt "$L" ]; then
    echo "$name: up to date ($model)" >&2
    echo "$log"; exit 0
fi
rm -f "$model" "$stamp"
resume=
[ -f "$model.ckpt" ] && resume="--resume $model.ckpt"
echo "$name: $L train $flags -o $model" >&2
# shellcheck disable=SC2086
if ! "$L" train "$@" --data "${DATA:-data}" -o "$model" --log "$log" $resume > "$runs/$name.out" 2> "$runs/$name.err"; then
    if [ -n "$resume" ]; then  # a checkpoint of other settings: start afresh
        rm -f "$model.ckpt"
        "$L" train "$@" --data "${DATA:-data}" -o "$model" --log "$log" > "$runs/$name.out" 2> "$runs/$name.err" ||
            { cat "$runs/$name.err" >&2; exit 1; }
    else
        cat "$runs/$name.err" >&2; exit 1
    fi
fi
echo "$flags" > "$stamp"
echo "$log"
