#!/bin/sh
# jobs.sh BUILD: the experiments' job list (experiments/jobs.sh) gives the same run files
# through make (one rule per run, make -j2) as through GNU parallel over "ssh" (the README's
# many-machine recipe: binary, runner and data sent with --basefile, run files returned with
# --return). The "remote" machine is this one: a stand-in ssh runs each command in another
# directory, so every byte really travels through rsync. Two runs of a tiny set (200 training
# patterns, 1 pass; no MNIST). GNU parallel and rsync come from lenet98/deps.sh when root;
# otherwise the parallel half is skipped with a SKIP line. Ends with "N passed, N failed".
B=${1:-build}
L=$(cd "$B" && pwd)/lenet98
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "# jobs (job list: make and GNU parallel)"
SUITE=jobs
. "$(dirname "$0")/lib.sh"

# two machines' worth of the same layout: build/lenet98, experiments/train-run.sh, data/
for m in make par; do
    mkdir -p "$T/$m/build" "$T/$m/experiments" "$T/$m/data"
    cp "$L" "$T/$m/build/lenet98"; cp experiments/train-run.sh experiments/col.sh experiments/jobs.sh "$T/$m/experiments/"
done
mkidx "$T/make/data" train 200; mkidx "$T/make/data" t10k 100
cp "$T/make/data"/* "$T/par/data/"

# the list: one line per run, KEY NAME lenet98 train FLAGS (keys from the settings line)
for s in 1 2; do
    # the key names the data too: computed where the runs will read theirs
    k=$(cd "$T/make" && LENET98=build/lenet98 DATA=data experiments/jobs.sh key --seed "$s" --passes 1 --train-size 200)
    echo "$k tests/tiny/s$s lenet98 train --seed $s --passes 1 --train-size 200"
done > "$T/list"
[ "$(cut -d' ' -f1 "$T/list" | sort -u | grep -c '^[0-9a-f]\{16\}$')" -eq 2 ] && ok || bad "two distinct 16-hex keys: $(cat "$T/list")"

# a key is never the hash of nothing: a flag the binary refuses, or no binary, is an error
(cd "$T/make" && LENET98=build/lenet98 DATA=data experiments/jobs.sh key --seed 1 --no-such-flag) > "$T/out" 2>&1
[ $? -ne 0 ] && grep -q "settings.*failed" "$T/out" && ! grep -q '^[0-9a-f]\{16\}$' "$T/out" && ok || bad "a refused flag gives no key: $(cat "$T/out")"
(cd "$T/make" && LENET98=build/no-such-binary DATA=data experiments/jobs.sh key --seed 1) > "$T/out" 2>&1
[ $? -ne 0 ] && ! grep -q '^[0-9a-f]\{16\}$' "$T/out" && ok || bad "a missing binary gives no key: $(cat "$T/out")"

# a wrong key is refused, before any training
(cd "$T/make" && experiments/train-run.sh "0000000000000000 x lenet98 train --seed 1 --passes 1 --train-size 200") > "$T/out" 2>&1
[ $? -ne 0 ] && grep -q "regenerate the job list" "$T/out" && ok || bad "a stale key is refused: $(cat "$T/out")"

# the make path: the generated makefile, two runs at once, a progress line per pass
(cd "$T/make" && LENET98=build/lenet98 DATA=data experiments/jobs.sh mk "$T/list") > "$T/make/list.mk" ||
    bad "jobs.sh mk: $(cat "$T/make/list.mk")"
(cd "$T/make" && make -s -j2 -f list.mk all) > "$T/make.out" 2>&1 && ok || bad "make path: $(cat "$T/make.out")"
[ "$(grep -c 'pass   1/1 ' "$T/make.out")" -eq 2 ] && ok || bad "one progress line per pass and run: $(cat "$T/make.out")"
# a second time, both runs are reused
(cd "$T/make" && make -s -j2 -f list.mk all) > "$T/make2.out" 2>&1
[ "$(grep -c ': reusing ' "$T/make2.out")" -eq 2 ] && ok || bad "finished runs reused: $(cat "$T/make2.out")"

# an interrupted run is resumed from its checkpoint and ends with the same bytes
k1=$(head -1 "$T/list" | cut -d' ' -f1)
mkdir -p "$T/resume"; cp -r "$T/make/build" "$T/make/experiments" "$T/make/data" "$T/resume/"
rm -f "$T/resume/build/runs/"*
(cd "$T/resume" && LENET98_STOP_AT=1,120 experiments/train-run.sh "$(head -1 "$T/list")") > "$T/out" 2>&1
[ -f "$T/resume/build/runs/$k1.bin.ckpt" ] && [ ! -f "$T/resume/build/runs/$k1.bin" ] && ok || bad "an interrupted run leaves its checkpoint: $(cat "$T/out")"
(cd "$T/resume" && experiments/train-run.sh "$(head -1 "$T/list")") > "$T/out" 2>&1 && ok || bad "resume: $(cat "$T/out")"
cmp -s "$T/resume/build/runs/$k1.bin" "$T/make/build/runs/$k1.bin" && ok || bad "a resumed run ends with the bytes of an uninterrupted one"

# col.sh reads columns by name, in the order asked, and refuses a name not in the header
printf '# a comment\npass\ttest_err\tseconds\n1\t2.5\t9\n2\t1.5\t8\n' > "$T/log.tsv"
[ "$(experiments/col.sh "$T/log.tsv" test_err pass | tr '\t\n' ',;')" = "2.5,1;1.5,2;" ] && ok || bad "col.sh by name"
experiments/col.sh "$T/log.tsv" test_error > "$T/out" 2>&1; [ $? -eq 2 ] && grep -q 'no column "test_error"' "$T/out" && ok || bad "col.sh: a missing column is an error"
# info --tsv: the totals of the table, by name
"$L" info --tsv > "$T/info.tsv" && ok || bad "info --tsv"
[ "$(experiments/col.sh "$T/info.tsv" layer params | awk -F'\t' '$1 == "total" { print $2 }')" = \
  "$("$L" info | awk '$1 == "total" { print $2 }')" ] && ok || bad "info --tsv total params = the table's"

# --eval last: the same training (same model bytes), errors only after the last pass
(cd "$T/make" && build/lenet98 train --data data --seed 3 --passes 2 --train-size 200 -o "$T/ea.bin" > /dev/null &&
 build/lenet98 train --data data --seed 3 --passes 2 --train-size 200 --eval last -o "$T/el.bin" > /dev/null) && ok || bad "train --eval last runs"
cmp -s "$T/ea.bin" "$T/el.bin" && ok || bad "--eval last trains the same bytes as --eval all"
[ "$(experiments/col.sh "$T/el.bin.log.tsv" test_err train_err | head -1)" = "nan	nan" ] ||
[ "$(experiments/col.sh "$T/el.bin.log.tsv" test_err train_err | head -1)" = "NaN	NaN" ] ||
[ "$(experiments/col.sh "$T/el.bin.log.tsv" test_err train_err | head -1)" = "-nan	-nan" ] && ok || bad "--eval last: no errors in pass 1: $(cat "$T/el.bin.log.tsv")"
[ "$(experiments/col.sh "$T/el.bin.log.tsv" test_err train_err | tail -1)" = "$(experiments/col.sh "$T/ea.bin.log.tsv" test_err train_err | tail -1)" ] &&
    ok || bad "--eval last: the last pass's errors are --eval all's"

# the parallel path
if ! command -v parallel >/dev/null 2>&1 || ! command -v rsync >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then lenet98/deps.sh parallel rsync > "$T/deps.out" 2>&1; fi
fi
if command -v parallel >/dev/null 2>&1 && command -v rsync >/dev/null 2>&1; then
    mkdir -p "$T/remote"
    printf '#!/bin/sh\n# ssh to this machine: drop the options and host, run in FAKE_REMOTE\nwhile [ $# -gt 0 ]; do case $1 in -o|-l|-p) shift 2 ;; -*) shift ;; *) break ;; esac; done\nshift; [ "${1:-}" = -- ] && shift\ncd "$FAKE_REMOTE" || exit 255\n# a login on a real remote sets SHELL; parallel runs its wrapper through $SHELL\nSHELL=/bin/sh; export SHELL\nexec sh -c "$*"\n' > "$T/ssh"
    chmod +x "$T/ssh"
    echo "1/localhost-as-remote" > "$T/hosts"
    (cd "$T/par" && FAKE_REMOTE=$T/remote parallel --ssh "$T/ssh" --sshloginfile "$T/hosts" \
        --colsep ' ' --basefile build/lenet98 --basefile experiments/train-run.sh --basefile experiments/col.sh --basefile data \
        --return 'build/runs/{1}.bin' --return 'build/runs/{1}.log.tsv' --return 'build/runs/{1}.out' \
        --return 'build/runs/{1}.settings' --return 'build/runs/{1}.job' \
        experiments/train-run.sh '{}' :::: "$T/list") > "$T/par.out" 2>&1 && ok || bad "parallel path: $(cat "$T/par.out")"
    while read -r k _; do
        for x in bin settings job; do
            cmp -s "$T/make/build/runs/$k.$x" "$T/par/build/runs/$k.$x" && ok || bad "run $k: $x differs between make and parallel"
        done
        # the log: every column but the wall times (read by name from its header)
        cols=$(experiments/col.sh "$T/make/build/runs/$k.log.tsv" pass >/dev/null &&
               grep -v '^#' "$T/make/build/runs/$k.log.tsv" | head -1 | tr '\t' '\n' | grep -v 'seconds$' | tr '\n' ' ')
        # shellcheck disable=SC2086 # cols is a list of names
        if experiments/col.sh "$T/make/build/runs/$k.log.tsv" $cols > "$T/a" &&
           experiments/col.sh "$T/par/build/runs/$k.log.tsv" $cols > "$T/b" && cmp -s "$T/a" "$T/b" &&
           [ "$(grep '^#' "$T/make/build/runs/$k.log.tsv")" = "$(grep '^#' "$T/par/build/runs/$k.log.tsv")" ]; then ok
        else bad "run $k: the logs differ beyond the wall times"; fi
    done < "$T/list"
else
    echo "SKIP jobs: GNU parallel or rsync not installed (lenet98/deps.sh parallel rsync as root)"
fi

# jobs.sh mk: the runs' rules the costliest first (a run of 2 passes before those of 1; equal
# costs in the list's order), every line of the list once
k3=$(cd "$T/make" && LENET98=build/lenet98 DATA=data experiments/jobs.sh key --seed 3 --passes 2 --train-size 200)
{ cat "$T/list"; echo "$k3 tests/tiny/s3 lenet98 train --seed 3 --passes 2 --train-size 200"; } > "$T/list3"
(cd "$T/make" && LENET98=build/lenet98 DATA=data experiments/jobs.sh mk "$T/list3") > "$T/mk3" 2>&1
got=$(sed -n "s/.*train-run.sh '[0-9a-f]* \([^ ]*\) .*/\1/p" "$T/mk3" | tr '\n' ' ')
[ "$got" = "tests/tiny/s3 tests/tiny/s1 tests/tiny/s2 " ] && ! ls "$T" | grep -q "list3[.]" &&
    ok || bad "jobs.sh mk: the costliest run first: '$got' ($(head -3 "$T/mk3"))"
(cd "$T/make" && LENET98=build/no-such-binary DATA=data experiments/jobs.sh mk "$T/list3") > "$T/out" 2>&1
[ $? -ne 0 ] && grep -q "settings.*failed" "$T/out" && ok || bad "jobs.sh mk without a binary fails: $(cat "$T/out")"
# with the settings lines list1 keeps (build/jobs/settings/KEY), mk needs no binary
mkdir -p "$T/make/build/jobs/settings"
while read -r k _ _ _ flags; do
    # shellcheck disable=SC2086 # flags is a list of flags
    (cd "$T/make" && build/lenet98 train --settings --data data $flags) > "$T/make/build/jobs/settings/$k"
done < "$T/list3"
(cd "$T/make" && LENET98=build/no-such-binary DATA=data experiments/jobs.sh mk "$T/list3") > "$T/mk3b" 2>&1
[ $? -eq 0 ] && cmp -s "$T/mk3" "$T/mk3b" && ok || bad "jobs.sh mk from the kept settings: $(head -3 "$T/mk3b")"
rm -rf "$T/make/build/jobs/settings"

# experiments/wall.sh: the wall time of a whole make target, one row a target in FIGDIR/wall.tsv
W="$T/wall"; mkdir -p "$W/fig" "$W/jobs/fig5+trap.progress"
echo "5 2 1000 1700000000" > "$W/jobs/fig5+trap.progress/total"
wall() { env QUICK=0 FIGDIR="$W/fig" JOBS_DIR="$W/jobs" B="$B" MAKEFLAGS="$MF" experiments/wall.sh "$@"; }
MF=' -j2 --jobserver-auth=3,4'
wall start reproduce && [ -f "$W/jobs/reproduce.wall-start" ] && ok || bad "wall.sh start writes its time"
wall end reproduce fig5 trap > "$W/out" 2>&1
row=$(experiments/col.sh "$W/fig/wall.tsv" target make_jobs runs reused trained 2>&1)
[ "$row" = "$(printf 'reproduce\t2\t5\t2\t3')" ] && grep -q "min .* s wall for 5 runs (2 reused), make -j2" "$W/out" &&
    [ ! -e "$W/jobs/reproduce.wall-start" ] && ok || bad "wall.sh end: a row with -j2, 5 runs, 2 reused, 3 trained: $row; $(cat "$W/out")"
secs=$(experiments/col.sh "$W/fig/wall.tsv" seconds start_utc end_utc)
echo "$secs" | grep -q '^[0-9][0-9]*	20[0-9-]*T[0-9:]*Z	20[0-9-]*T[0-9:]*Z$' && [ "$(echo "$secs" | cut -f1)" -lt 60 ] &&
    ok || bad "wall.sh end: seconds and UTC times: $secs"
# another target's row is kept; the same target's is replaced; without -jN it is 1
MF=''
wall start studies && wall end studies fig5 trap > /dev/null && wall start reproduce && wall end reproduce fig5 trap > /dev/null
rows=$(experiments/col.sh "$W/fig/wall.tsv" target make_jobs | sort | tr '\t\n' ':,')
[ "$rows" = "reproduce:1,studies:1," ] && ok || bad "wall.sh: one row a target, the newest: $rows"
# the runs at once that jobs.sh run recorded win over MAKEFLAGS (a plain make trains JOBS=2)
echo 2 > "$W/jobs/fig5+trap.progress/jobs"
wall start reproduce && wall end reproduce fig5 trap > /dev/null
rows=$(experiments/col.sh "$W/fig/wall.tsv" target make_jobs | sort | tr '\t\n' ':,')
[ "$rows" = "reproduce:2,studies:1," ] && ok || bad "wall.sh: the recorded runs at once: $rows"
rm "$W/jobs/fig5+trap.progress/jobs"
# an end without its start is refused, naming the file, and the table is left as it was
cp "$W/fig/wall.tsv" "$W/before"
wall end reproduce fig5 trap > "$W/out" 2>&1
[ $? -ne 0 ] && grep -q "reproduce.wall-start: missing" "$W/out" && cmp -s "$W/before" "$W/fig/wall.tsv" &&
    ok || bad "wall.sh end without start: $(cat "$W/out")"
# so is an end whose experiments did not run (no progress total)
wall start reproduce && wall end reproduce fig6 > "$W/out" 2>&1
[ $? -ne 0 ] && grep -q "fig6.progress/total: missing" "$W/out" && cmp -s "$W/before" "$W/fig/wall.tsv" &&
    ok || bad "wall.sh end with no progress total: $(cat "$W/out")"
ls "$W/fig" | grep -q tmp && bad "wall.sh left a temporary: $(ls "$W/fig")" || ok

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
