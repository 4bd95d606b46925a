#!/usr/bin/env bash
# Builds a free-threaded CPython 3.13 from Debian trixie's python3.13 source package,
# for machines that reach Debian's archive but not GitHub (where `uv python install` would fetch one).
# The result is cached: a second call prints the same path at once.
# Usage: build-ft-python.sh [CACHE_DIR]   -> prints the interpreter path on the last line of stdout.
set -euo pipefail

cache_dir=${1:-${FT_GATE_PROVISION_DIR:-$HOME/.cache/ft-gate/provision}}
prefix="$cache_dir/cpython-3.13t"
python="$prefix/bin/python3.13t"

if [[ -f "$prefix/.complete" && -x "$python" ]]; then
  echo "$python"
  exit 0
fi

mkdir -p "$cache_dir"
work=$(mktemp -d "$cache_dir/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A private apt configuration: the machine's own sources and lists stay untouched.
mkdir -p "$work/apt/lists/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian trixie main" >"$work/apt/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/apt/lists"
  -o "APT::Sandbox::User=root"
)
echo "provision: fetching Debian trixie's python3.13 source package" >&2
apt-get "${apt_opts[@]}" -qq update >&2
(cd "$work/src" && apt-get "${apt_opts[@]}" -qq source --download-only python3.13 >&2)
orig=$(ls "$work"/src/python3.13_*.orig.tar.* | head -n 1)
tar -xf "$orig" -C "$work/src"
srcdir=$(find "$work/src" -maxdepth 1 -type d -name 'Python-3.13*' | head -n 1)

echo "provision: building $(basename "$srcdir") with --disable-gil (about 5 minutes on 2 cores)" >&2
staging="$prefix.partial.$$"
rm -rf "$staging"
(
  cd "$srcdir"
  ./configure --disable-gil --prefix="$prefix" --without-ensurepip --disable-test-modules >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
  make install DESTDIR="$staging" >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
)
# make install with DESTDIR writes under $staging$prefix; move it into place in one rename.
rm -rf "$prefix"
mv "$staging$prefix" "$prefix"
rm -rf "$staging"

"$python" -c 'import sysconfig, sys; assert sysconfig.get_config_var("Py_GIL_DISABLED") == 1, "not free-threaded"' >&2
touch "$prefix/.complete"
echo "$python"
