#!/bin/sh
# Compiles dl4j_jpeg.c (JPEG decoding through libjpeg-turbo) and dl4j_pixels.c (the RGB resample kernels) into
# <classes>/native/linux-<arch>/libdl4jjpeg.so, so that it lands in the jar.
# Run by the vision module's "native-jpeg" Maven profile (active when /usr/include/jpeglib.h exists).
# Without a C compiler this prints why and exits 0: the build goes on and the pure-Java decoder is used.
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
  echo "[dl4j native jpeg] no C compiler (gcc, cc, clang) found: skipping the native JPEG decoder; the pure-Java path will be used"
  exit 0
fi
case "$(uname -s)" in
  Linux) os=linux ;;
  *) echo "[dl4j native jpeg] $(uname -s) is not supported by this build script: skipping"; exit 0 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
out="$classes/native/$os-$arch"
mkdir -p "$out"
$cc -O3 -ffp-contract=off -fPIC -shared -Wall -Wextra -o "$out/libdl4jjpeg.so" "$src_dir/dl4j_jpeg.c" "$src_dir/dl4j_pixels.c" -ljpeg
echo "[dl4j native jpeg] built $out/libdl4jjpeg.so with $cc"
