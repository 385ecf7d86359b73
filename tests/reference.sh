#!/bin/sh
# reference.sh BUILD: the network built on the naive reference kernels (make REFERENCE=1,
# BUILD/ref/lenet98) trains like the fast build (BUILD/lenet98): the same short training
# (300 MNIST patterns from data/, one pass; the 250-image bar set of lib.sh when data/ has no
# MNIST), SDLM on the 1998 network and SGD on the modern one, must end with parameters within
# TOL of each other and the same test error count, or within 1.
# TOL: the two builds compute the same sums in another order, so each float32 sum may differ
# in its last bits (2^-24 relative, about 4e-8 at the largest weights, |w| < 0.7), and 300
# updates of step eps_k <= 0.001 carry such differences on without growing them much: the
# measured difference is 1e-7 to 1.4e-7 (2 to 3 ulps; this script prints it). 1e-5 allows
# about 100 times that; a kernel that drops or misplaces a term changes the update itself,
# not its last bits. Ends with "N passed, N failed"; prints a SKIP line and counts
# nothing without BUILD/ref/lenet98 or under valgrind (the reference loops there would take
# minutes; test_kernels already runs them under valgrind).
B=${1:-build}
TOL=1e-5
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "# reference (the naive-kernel build against the fast build)"
SUITE=reference
. "$(dirname "$0")/lib.sh"

if [ -n "${VALGRIND:-}" ] || [ ! -x "$B/ref/lenet98" ]; then
    echo "SKIP reference: no $B/ref/lenet98 (make REFERENCE=1 B=$B/ref) or under valgrind"
    echo "0 passed, 0 failed"
    exit 0
fi
D=data N=300
if [ ! -r "$D/train-images-idx3-ubyte" ] && [ ! -r "$D/train-images-idx3-ubyte.gz" ]; then
    mkdir -p "$T/d"; D=$T/d N=250
    mkidx "$T/d" train 250; mkidx "$T/d" t10k 100
fi

# params A B: the model files' parameter count, max |a - b| and max |a| (float32 after the
# 160-byte header, before the 4-byte CRC; od prints each to 9 digits, which round-trips)
params() {
    n=$(( ($(wc -c < "$1") - 164) / 4 ))
    od -A n -v -t f4 -j 160 -N $((4 * n)) "$1" | tr -s ' ' '\n' | grep . > "$T/a"
    od -A n -v -t f4 -j 160 -N $((4 * n)) "$2" | tr -s ' ' '\n' | grep . > "$T/b"
    paste "$T/a" "$T/b" | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d
                                 a = $1 < 0 ? -$1 : $1; if (a > w) w = a }
                           END { printf "%d %.3g %.3g\n", NR, m, w }'
}
# test error count of the last pass (test_err is in percent of the test set)
errors() { awk -F '\t' '$1 ~ /^[0-9]+$/ { e = $8 } END { print e }' "$1"; }

for arch in lenet5 modern; do
    extra=; [ $arch = lenet5 ] && extra="--hessian-samples 100"
    for b in fast ref; do
        l=$B/lenet98; [ $b = ref ] && l=$B/ref/lenet98
        # shellcheck disable=SC2086
        expect 0 "$arch $b training" "$l" train --arch $arch --data "$D" --train-size $N \
            --passes 1 $extra --seed 1 -o "$T/$arch-$b.bin"
    done
    if [ ! -r "$T/$arch-ref.bin" ] || [ ! -r "$T/$arch-fast.bin" ]; then continue; fi
    # shellcheck disable=SC2046
    set -- $(params "$T/$arch-fast.bin" "$T/$arch-ref.bin")
    ef=$(errors "$T/$arch-fast.bin.log.tsv"); er=$(errors "$T/$arch-ref.bin.log.tsv")
    nt=$(od -A n -t u1 -j 4 -N 4 "$D/t10k-labels-idx1-ubyte" 2>/dev/null | awk '{ print $3 * 256 + $4 }')
    echo "# $arch: $1 parameters, max |fast - ref| $2 (max |w| $3; tolerance $TOL); test error $ef% fast, $er% ref"
    if awk -v d="$2" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then ok; else bad "$arch: max |fast - ref| $2 > $TOL"; fi
    # the counts, from the percentages of the test set (nt patterns; 10000 when unreadable)
    if awk -v a="$ef" -v b="$er" -v n="${nt:-10000}" 'BEGIN { d = (a - b) * n / 100; if (d < 0) d = -d; exit !(a != "" && d <= 1.0001) }'
    then ok; else bad "$arch: test errors $ef% fast, $er% ref differ by more than one"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
