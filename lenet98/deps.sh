#!/bin/sh
# deps.sh [PACKAGE...]: checks that the Debian packages lenet98 needs are installed (default
# list below, or the packages named as arguments). Silent when all are present. Otherwise,
# as root, installs the missing ones with apt-get (running `apt-get update` only if the first
# attempt fails); not as root, prints the exact sudo command to stderr and exits 1.
# The `gnuplot` metapackage is never installed: gnuplot-nox has every terminal we use.
set -u

if [ $# -eq 0 ]; then
    set -- gcc make pkg-config libgsl-dev zlib1g-dev gnuplot-nox fonts-dejavu-core npm
fi

missing=
for p in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] && continue
    # npm may come from Node's own installer rather than Debian
    [ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
    if [ "$p" = gnuplot ]; then
        echo "deps.sh: gnuplot: not installing the metapackage (it pulls in X11); use gnuplot-nox" >&2
        exit 1
    fi
    missing="$missing $p"
done

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing Debian packages:$missing" >&2
    echo "deps.sh: install them with:" >&2
    echo "sudo $cmd" >&2
    exit 1
fi

echo "deps.sh: installing:$missing" >&2
# shellcheck disable=SC2086  # $missing is a word list on purpose
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; then
    echo "deps.sh: install failed; running apt-get update and retrying" >&2
    apt-get update || { echo "deps.sh: apt-get update failed" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing ||
        { echo "deps.sh: could not install:$missing" >&2; exit 1; }
fi
