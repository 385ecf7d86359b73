# lib.sh: what the test scripts share (sourced; POSIX sh). The sourcing script sets SUITE
# (the name on its FAIL lines) and T (its scratch directory) first.

# the counters, and one line per failed check
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $SUITE: $*"; }
# expect CODE DESCRIPTION COMMAND...: the command exits with CODE (its output in $T/out, $T/err)
expect() {
    code=$1; what=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; rc=$?
    if [ "$rc" -eq "$code" ]; then ok; else bad "$what: exit $rc, expected $code ($(head -c 300 "$T/err"))"; fi
}

# sgd_lr: SGD's default rate, SGD_LR in lenet98/optim.h (the validation split's choice)
sgd_lr() {
    sed -n 's/^#define[[:space:]]*SGD_LR[[:space:]]*\([0-9.]*\).*/\1/p' "$(dirname "$0")/../lenet98/optim.h"
}

# lenet98_cmd BUILD DIR: prints the command to run the CLI: BUILD/lenet98, or when VALGRIND is
# set (make valgrind) a wrapper DIR/lenet98 that runs it under valgrind in the same process,
# so that signals sent to $! reach the program
lenet98_cmd() {
    l=$(cd "$1" && pwd)/lenet98
    if [ -n "${VALGRIND:-}" ]; then
        printf '#!/bin/sh\nexec %s %s "$@"\n' "$VALGRIND" "$l" > "$2/lenet98"
        chmod +x "$2/lenet98"
        l=$2/lenet98
    fi
    echo "$l"
}

# mkidx DIR PREFIX N (N < 256): a tiny MNIST, DIR/PREFIX-{images,labels}-idx?-ubyte, N images
# whose label is the position of a horizontal bar. printf is a shell builtin: no process per
# row; Z and F are one row of 0 and of 255 as printf escapes.
Z=; F=; k=0
while [ $k -lt 28 ]; do Z="$Z\\000"; F="$F\\377"; k=$((k + 1)); done
mkidx() {
    n=$(printf '\\%03o' "$3")
    { printf "\000\000\010\003\000\000\000$n\000\000\000\034\000\000\000\034"
      i=0; while [ $i -lt "$3" ]; do
        l=$((i % 10)); r=0
        while [ $r -lt 28 ]; do
            if [ $r -ge $((4 + 2 * l)) ] && [ $r -lt $((8 + 2 * l)) ]; then printf "$F"; else printf "$Z"; fi
            r=$((r + 1))
        done
        i=$((i + 1))
      done; } > "$1/$2-images-idx3-ubyte"
    { printf "\000\000\010\001\000\000\000$n"
      i=0; while [ $i -lt "$3" ]; do printf "\\0$((i % 10 / 8))$((i % 10 % 8))"; i=$((i + 1)); done
    } > "$1/$2-labels-idx1-ubyte"
}

# waits until process $1 is stopped (state T); 0 if it is, 1 if it exited or 60 s passed
wait_stopped() {
    i=0
    while [ $i -lt 6000 ]; do
        s=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
        [ "$s" = T ] && return 0
        [ "$s" = Z ] && return 1
        sleep 0.01; i=$((i + 1))
    done
    return 1
}
