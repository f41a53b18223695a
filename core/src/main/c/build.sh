#!/bin/sh
# Compiles dl4j_rows.c (the prefetching row gather) into <classes>/native/linux-<arch>/libdl4jrows.so, so that it
# lands in the core jar. Run by the core module's "native-rows" Maven profile (active on Unix).
# Without a C compiler this prints why and exits 0: the build goes on and the rows are copied in Java.
# A compile error with a compiler present fails the build.
set -e
src_dir=${0%/*}
classes=${1:?usage: build.sh <target/classes>}
cc=${CC:-}
if [ -z "$cc" ]; then
  for c in gcc cc clang; do
    if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
  done
fi
if [ -z "$cc" ]; then
  echo "[dl4j native rows] no C compiler (gcc, cc, clang) found: skipping the native row gather; rows are copied in Java"
  exit 0
fi
case "$(uname -s)" in
  Linux) os=linux ;;
  *) echo "[dl4j native rows] $(uname -s) is not supported by this build script: skipping"; exit 0 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
out="$classes/native/$os-$arch"
mkdir -p "$out"
$cc -O2 -fPIC -shared -Wall -Wextra -o "$out/libdl4jrows.so" "$src_dir/dl4j_rows.c"
echo "[dl4j native rows] built $out/libdl4jrows.so with $cc"
