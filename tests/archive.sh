#!/bin/sh
# archive.sh BUILD: the library archive holds no command line: BUILD/liblenet98.a defines no
# cmd_* function and references no getopt (getopt*, optarg, optind, opterr, optopt); the CLI
# BUILD/lenet98 does define the commands and the archive the library calls, so the pattern
# is known to match what it looks for.
B=${1:-build}
SUITE=archive
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. tests/lib.sh
echo "# archive (the library archive holds no command line)"
A=$B/liblenet98.a
CLIP='(^| )(cmd_[A-Za-z0-9_]*|getopt[A-Za-z0-9_]*|optarg|optind|opterr|optopt)$'
if nm "$A" > "$T/lib.nm" 2>"$T/err"; then ok; else bad "nm $A: $(head -c 300 "$T/err")"; fi
grep -E ' [TtDdBbU] ' "$T/lib.nm" | grep -E "$CLIP" > "$T/hits"
if [ -s "$T/hits" ]; then bad "$A has command-line symbols: $(awk '{print $NF}' "$T/hits" | sort -u | tr '\n' ' ')"; else ok; fi
for s in lenet_train lenet_train_step eval_set optim_update; do
    if grep -qE " T $s\$" "$T/lib.nm"; then ok; else bad "$A does not define $s"; fi
done
if nm "$B/lenet98" 2>/dev/null | grep -E ' [TU] ' | grep -qE '(^| )cmd_train$'; then ok; else bad "$B/lenet98 defines no cmd_train"; fi
if nm "$B/lenet98" 2>/dev/null | grep -qE ' U getopt_long'; then ok; else bad "$B/lenet98 references no getopt_long"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
