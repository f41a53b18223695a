#!/bin/sh
# Builds resample_check.c with dl4j_pixels.c under AddressSanitizer and UndefinedBehaviorSanitizer, once per SIMD
# level (0 scalar, 1 AVX2, 2 AVX-512, 3 AVX-512 with VBMI and VNNI; levels the processor lacks are skipped), and runs it: 8,000 random tables,
# each compared with an independent scalar resample, every read and write checked. Run by NativeSanitizerTest.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../main/c/dl4j_pixels.c
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
levels=0
grep -qw avx2 /proc/cpuinfo 2>/dev/null && levels="$levels 1"
grep -qw avx512bw /proc/cpuinfo 2>/dev/null && levels="$levels 2"
grep -qw avx512bw /proc/cpuinfo 2>/dev/null && grep -qw avx512vbmi /proc/cpuinfo && grep -qw avx512_vnni /proc/cpuinfo \
  && levels="$levels 3"
for level in $levels; do
  ${CC:-gcc} -O1 -g -DDL4J_SIMD_LEVEL=$level -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer "$here/resample_check.c" "$src" -o "$out/check$level"
  printf 'SIMD level %s: ' "$level"
  "$out/check$level"
done
