#!/bin/sh
# Compiles a module's C sources into <classes>/native/<os>-<arch>/<library>, so that the library lands in the module's
# jar (loaded at run time by core's internal/BundledLibrary). Run by the Maven profiles native-rows (core:
# libdl4jrows.so) and native-jpeg (vision: libdl4jjpeg.so).
#
# usage: native-library.sh <target/classes> <library file> <label> <without it> "<compiler flags>" "<libraries>" <source.c>...
# ("-" for no compiler flags or no libraries: Maven may drop an empty argument)
#
# Without a C compiler (gcc, cc, clang; or $CC) or on a system other than Linux this prints why and what happens
# without the library (<without it>) and exits 0: the build goes on and the module uses its Java path. A compile
# error with a compiler present fails the build.
set -e
classes=${1:?usage: native-library.sh <target/classes> <library> <label> <without it> <cflags> <libs> <source.c>...}
library=${2:?library file name missing}
label=${3:?label missing}
without=${4:?what happens without the library missing}
cflags=$5
libs=$6
shift 6
[ "$cflags" = - ] && cflags=
[ "$libs" = - ] && libs=
cc=${CC:-}
if [ -z "$cc" ]; then
  for c in gcc cc clang; do
    if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
  done
fi
if [ -z "$cc" ]; then
  echo "[dl4j $label] no C compiler (gcc, cc, clang) found: skipping $library; $without"
  exit 0
fi
case "$(uname -s)" in
  Linux) os=linux ;;
  *) echo "[dl4j $label] $(uname -s) is not supported by this build script: skipping $library; $without"; exit 0 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
out="$classes/native/$os-$arch"
mkdir -p "$out"
# $cflags and $libs are split into words on purpose: each holds several flags
# shellcheck disable=SC2086
$cc $cflags -fPIC -shared -Wall -Wextra -o "$out/$library" "$@" $libs
echo "[dl4j $label] built $out/$library with $cc"
