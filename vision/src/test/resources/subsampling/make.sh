#!/bin/sh
# Makes the JPEGs of this folder from the CLI demo's coffee.jpg (a photograph, 480 x 320) with libjpeg-turbo's
# cjpeg and djpeg (Debian: apt-get install libjpeg-turbo-progs), in every chroma subsampling libjpeg writes (h x v:
# the luma's sampling factors against the chroma's): a 123 x 77 crop (odd sizes, so that the last iMCU row and
# column are partial) baseline, progressive, and with a restart marker every 2 MCU rows; a 317 x 211 crop baseline.
# Used by src/test/c/run-region-check.sh.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../../../../cli/src/main/resources/org/dataloader4j/cli/demo/coffee.jpg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
djpeg -ppm -crop 123x77+3+5 "$src" > "$tmp/small.ppm"
djpeg -ppm -crop 317x211+101+60 "$src" > "$tmp/large.ppm"
for s in 1x1 2x1 1x2 2x2 4x1 1x4 4x2; do
  cjpeg -quality 80 -sample "$s" "$tmp/small.ppm" > "$here/s${s}_123x77.jpg"
  cjpeg -quality 80 -sample "$s" -progressive "$tmp/small.ppm" > "$here/s${s}_123x77_progressive.jpg"
  cjpeg -quality 80 -sample "$s" -restart 2 "$tmp/small.ppm" > "$here/s${s}_123x77_restart.jpg"
  cjpeg -quality 80 -sample "$s" "$tmp/large.ppm" > "$here/s${s}_317x211.jpg"
done
