#!/bin/sh
# Builds jpeg_check.c with dl4j_jpeg.c under AddressSanitizer and UndefinedBehaviorSanitizer (against the system's
# libjpeg-turbo) and runs it on the damaged-JPEG fixtures: every truncation, stray markers, flipped bytes and noise,
# whole and region decodes at every DCT scale into exactly sized buffers. Run by NativeJpegSanitizerTest.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../main/c/dl4j_jpeg.c $here/../../main/c/dl4j_pixels.c"
fixtures=$here/../resources/damaged_jpeg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CC:-gcc} -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  "$here/jpeg_check.c" $src -ljpeg -o "$out/jpeg_check"
"$out/jpeg_check" "$fixtures/base.jpg" "$fixtures/prog.jpg" "$fixtures/gray.jpg" "$fixtures/q444.jpg" \
  "$fixtures/base_eoi_after_50_percent.jpg" "$fixtures/prog_eoi_after_10_percent.jpg" "$fixtures/base_dht_300_before_end.jpg"
