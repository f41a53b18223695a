/* Checks that a region decode gives exactly the pixels of the whole decode, cropped: dl4j_jpeg_decode on the files
   named on the command line, at every DCT scale, for random regions and for regions starting at every offset
   modulo 16 (the iMCU sizes), with and without DL4J_STOP_AT_REGION. The columns of a region are decoded with a
   margin of a few pixels (fancy upsampling reads the chroma sample beside each edge), its rows with none
   (jpeg_skip_scanlines decodes the rows that upsampling reads); this checks both for every chroma subsampling.
   Files whose name starts with "s4x2_" (4:1:0) are checked at 1/8 and 8/8 only: at 2/8 .. 7/8 libjpeg upsamples
   their cropped chroma differently from the whole image's, with any margin (see dl4j_jpeg.c). Built under
   AddressSanitizer and UndefinedBehaviorSanitizer by run-region-check.sh. Prints "ok <n> regions" and exits 0, or
   prints the regions that differ and exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

int dl4j_jpeg_header(const unsigned char *data, int64_t size, int32_t *info, char *msg, int32_t msg_len);
int dl4j_jpeg_decode(const unsigned char *data, int64_t size, int32_t scale_num, int32_t x, int32_t y, int32_t w,
                     int32_t h, int32_t flags, unsigned char *out, int64_t out_size, int32_t *out_info, char *msg,
                     int32_t msg_len);

int main(int argc, char **argv) {
    char msg[200];
    int32_t info[5], out_info[5];
    long checked = 0, differ = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    srand(11);
    for (int a = 1; a < argc; a++) {
        size_t size;
        unsigned char *data = read_file(argv[a], &size);
        if (data == NULL || dl4j_jpeg_header(data, (int64_t) size, info, msg, (int32_t) sizeof msg) != 0) {
            printf("cannot read %s\n", argv[a]);
            return 1;
        }
        const char *base = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        int only_whole_scales = strncmp(base, "s4x2_", 5) == 0;
        for (int scale = 1; scale <= 8; scale++) {
            if (only_whole_scales && scale != 1 && scale != 8) {
                continue;
            }
            int32_t sw = (info[0] * scale + 7) / 8, sh = (info[1] * scale + 7) / 8, c = info[2] == 1 ? 1 : 3;
            unsigned char *full = malloc((size_t) sw * sh * c);
            int rc = dl4j_jpeg_decode(data, (int64_t) size, scale, 0, 0, 0, 0, 0, full, (int64_t) sw * sh * c,
                                      out_info, msg, (int32_t) sizeof msg);
            if (rc != 0 && rc != 1) {
                free(full);
                continue;   /* refused: jpeg_check.c compares the verdicts */
            }
            for (int i = 0; i < 48; i++) {
                int32_t w = 1 + rand() % sw, h = 1 + rand() % sh;
                int32_t x = rand() % (sw - w + 1), y = rand() % (sh - h + 1);
                if (i < 32) {   /* every offset modulo 16, across and down */
                    x = (i % 16) + 16 * (rand() % 3);
                    y = ((i * 7) % 16) + 16 * (rand() % 3);
                    if (x >= sw || y >= sh) {
                        continue;
                    }
                    w = w > sw - x ? sw - x : w;
                    h = h > sh - y ? sh - y : h;
                }
                unsigned char *part = malloc((size_t) w * h * c);
                for (int flags = 0; flags < 2; flags++) {
                    int prc = dl4j_jpeg_decode(data, (int64_t) size, scale, x, y, w, h, flags, part,
                                               (int64_t) w * h * c, out_info, msg, (int32_t) sizeof msg);
                    int same = prc == rc;   /* 1: decoded with libjpeg's repair (and smoothing, if progressive) */
                    for (int32_t r = 0; r < h && same; r++) {
                        same = memcmp(part + (size_t) r * w * c, full + ((size_t) (y + r) * sw + x) * c,
                                      (size_t) w * c) == 0;
                    }
                    checked++;
                    if (!same) {
                        differ++;
                        printf("%s at %d/8: the %dx%d region at (%d, %d) (flags %d, rc %d) differs from the whole "
                               "decode\n", argv[a], scale, w, h, x, y, flags, prc);
                    }
                }
                free(part);
            }
            free(full);
        }
        free(data);
    }
    if (differ > 0) {
        printf("%ld of %ld regions differ\n", differ, checked);
        return 1;
    }
    printf("ok %ld regions\n", checked);
    return 0;
}
