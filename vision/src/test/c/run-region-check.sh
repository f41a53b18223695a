#!/bin/sh
# Builds region_check.c with dl4j_jpeg.c (and dl4j_pixels.c, which it links) under AddressSanitizer and
# UndefinedBehaviorSanitizer, against the system's libjpeg-turbo, and runs it on the JPEGs of every chroma
# subsampling (../resources/subsampling, made by its make.sh), the parity and damaged-JPEG fixtures: a region decode
# gives the whole decode's pixels at every DCT scale. Run by NativeJpegSanitizerTest.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../main/c/dl4j_jpeg.c $here/../../main/c/dl4j_pixels.c"
resources=$here/../resources
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CC:-gcc} -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  "$here/region_check.c" $src -ljpeg -o "$out/region_check"
"$out/region_check" "$resources"/subsampling/*.jpg "$resources"/parity/decode/baseline.jpg \
  "$resources"/parity/decode/progressive.jpg "$resources"/parity/decode/q75_444.jpg "$resources"/parity/decode/gray.jpg \
  "$resources"/damaged_jpeg/base.jpg "$resources"/damaged_jpeg/prog.jpg "$resources"/damaged_jpeg/q444.jpg \
  "$resources"/damaged_jpeg/gray.jpg "$resources"/damaged_jpeg/prog_eoi_after_10_percent.jpg
