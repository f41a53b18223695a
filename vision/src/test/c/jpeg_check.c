/* Runs dl4j_jpeg_header and dl4j_jpeg_decode over damaged JPEGs: the files named on the command line, every
   truncation of each (all lengths up to 300 bytes, then every 23rd), stray markers written over the scan, flipped
   bytes and random noise, at every DCT scale, whole and by random regions, into output buffers of exactly the size
   asked for (so that any write past them, or read past the data, is caught). Built under AddressSanitizer and
   UndefinedBehaviorSanitizer by run-jpeg-check.sh. Also checks that a region decode gives the whole decode's verdict
   and, for scale 8/8, its pixels. Each region of a colour image is also decoded through dl4j_jpeg_decode_resampled
   with random tables (negative weights, up- and downscaling): the same verdict as the region decode, and the bytes
   of dl4j_resample_rgb on the region's pixels; tables reading outside the region are refused. Prints "ok <n>
   decodes" and exits 0, or prints the first problem and exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random_tables.h"
#include "read_file.h"

int dl4j_jpeg_header(const unsigned char *data, int64_t size, int32_t *info, char *msg, int32_t msg_len);
int dl4j_jpeg_decode(const unsigned char *data, int64_t size, int32_t scale_num, int32_t x, int32_t y, int32_t w,
                     int32_t h, int32_t flags, unsigned char *out, int64_t out_size, int32_t *out_info, char *msg, int32_t msg_len);

int dl4j_jpeg_decode_resampled(const unsigned char *data, int64_t size, int32_t scale_num, int32_t x, int32_t y,
                               int32_t w, int32_t h, int32_t flags, const int32_t *h_start, const int32_t *h_weights,
                               const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights,
                               const int32_t *dims, unsigned char *out, int64_t out_size, int32_t *out_info,
                               char *msg, int32_t msg_len);
int dl4j_resample_rgb(const uint8_t *src, int64_t src_bytes, int32_t in_w, int32_t in_h,
                      const int32_t *h_start, const int32_t *h_weights, int32_t h_taps, int32_t out_w,
                      const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize,
                      int32_t v_first, int32_t v_last, int32_t out_h, uint8_t *dst, int64_t dst_bytes);

static long decodes;

/* The verdict class of a return code: 0 pixels (OK or WARNED), 1 refused. */
static int verdict(int rc) {
    return rc == 0 || rc == 1 ? 0 : 1;
}

/*
 * Decodes the w x h region at (x, y) through dl4j_jpeg_decode_resampled with random tables and compares with the
 * region decode's return code region_rc and, when it gave pixels (region, at scale 8/8 only: region is NULL
 * otherwise), with dl4j_resample_rgb on them. Returns 0, or 1 after printing what went wrong.
 */
static int check_resampled(const char *what, const unsigned char *data, size_t size, int scale, int32_t x, int32_t y,
                           int32_t w, int32_t h, int flags, int region_rc, const unsigned char *region) {
    char msg[200];
    int32_t out_info[5];
    int32_t out_w = 1 + rand() % 40, out_h = 1 + rand() % 40;
    struct random_tables t = random_tables(w, h, out_w, out_h);
    int32_t taps = t.taps, ks = t.ks, first = t.first, last = t.last;
    int32_t *hs = t.hs, *hw = t.hw, *vs = t.vs, *vc = t.vc, *vw = t.vw;
    int32_t dims[6] = {taps, out_w, ks, first, last, out_h};
    size_t bytes = (size_t) out_w * out_h * 3;
    unsigned char *got = malloc(bytes), *expected = malloc(bytes);
    int fail = 0;
    int rc = dl4j_jpeg_decode_resampled(data, (int64_t) size, scale, x, y, w, h, flags, hs, hw, vs, vc, vw, dims, got,
                                        (int64_t) bytes, out_info, msg, (int32_t) sizeof msg);
    decodes++;
    if (rc != region_rc) {
        printf("%s: at %d/8 the region %dx%d at (%d, %d) gives %d, resampled to %dx%d %d (%s)\n", what, scale, w, h,
               x, y, region_rc, out_w, out_h, rc, msg);
        fail = 1;
    } else if (region != NULL && verdict(rc) == 0) {
        if (dl4j_resample_rgb(region, (int64_t) w * h * 3, w, h, hs, hw, taps, out_w, vs, vc, vw, ks, first, last,
                              out_h, expected, (int64_t) bytes) != 0 || memcmp(got, expected, bytes) != 0) {
            printf("%s: the region %dx%d at (%d, %d) resampled to %dx%d differs from dl4j_resample_rgb\n", what, w, h,
                   x, y, out_w, out_h);
            fail = 1;
        }
    }
    if (!fail) {   /* a table reading one column past the region is refused */
        hs[rand() % out_w] = w - taps + 1;
        rc = dl4j_jpeg_decode_resampled(data, (int64_t) size, scale, x, y, w, h, flags, hs, hw, vs, vc, vw, dims, got,
                                        (int64_t) bytes, out_info, msg, (int32_t) sizeof msg);
        decodes++;
        if (rc != -3 && verdict(region_rc) == 0) {
            printf("%s: a table reading past the %dx%d region gave %d instead of -3\n", what, w, h, rc);
            fail = 1;
        }
    }
    free_random_tables(&t);
    free(got);
    free(expected);
    return fail;
}

/* Decodes data whole and by regions at every scale; returns 0, or 1 after printing what went wrong. */
static int check(const char *what, const unsigned char *src, size_t size) {
    char msg[200];
    int32_t info[5];
    int32_t out_info[5];
    /* a private copy of exactly size bytes, so that a read past the data is caught */
    unsigned char *data = malloc(size ? size : 1);
    memcpy(data, src, size);
    if (dl4j_jpeg_header(data, (int64_t) size, info, msg, (int32_t) sizeof msg) != 0
        || info[0] <= 0 || info[1] <= 0 || (int64_t) info[0] * info[1] > 4000000) {
        free(data);
        return 0;
    }
    for (int scale = 1; scale <= 8; scale++) {
        int64_t sw = ((int64_t) info[0] * scale + 7) / 8, sh = ((int64_t) info[1] * scale + 7) / 8;
        int64_t comps = info[2] == 1 ? 1 : 3;
        unsigned char *full = malloc((size_t) (sw * sh * comps));
        int rc = dl4j_jpeg_decode(data, (int64_t) size, scale, 0, 0, 0, 0, 0, full, sw * sh * comps, out_info, msg,
                                  (int32_t) sizeof msg);
        decodes++;
        if (rc == -5) {   /* a colour space the path does not handle */
            free(full);
            break;
        }
        if (rc == -4 || rc == -3) {
            printf("%s: whole decode at %d/8 refused its own buffer: %d %s\n", what, scale, rc, msg);
            free(full);
            free(data);
            return 1;
        }
        for (int i = 0; i < (scale == 8 ? 12 : 3); i++) {
            int32_t w = 1 + rand() % (int32_t) sw, h = 1 + rand() % (int32_t) sh;
            int32_t x = rand() % ((int32_t) sw - w + 1), y = i % 2 ? 0 : rand() % ((int32_t) sh - h + 1);
            size_t bytes = (size_t) w * h * (size_t) comps;
            unsigned char *part = malloc(bytes);
            /* a clean file may also be decoded with DL4J_STOP_AT_REGION (1), leaving the rows below unread */
            int flags = rc == 0 && i % 3 == 2 ? 1 : 0;
            int prc = dl4j_jpeg_decode(data, (int64_t) size, scale, x, y, w, h, flags, part, (int64_t) bytes,
                                       out_info, msg, (int32_t) sizeof msg);
            decodes++;
            if (verdict(prc) != verdict(rc) || (prc == 1) != (rc == 1)) {
                printf("%s: at %d/8 the whole decode gives %d, the region %dx%d at (%d, %d) gives %d (%s)\n", what,
                       scale, rc, w, h, x, y, prc, msg);
                free(part); free(full); free(data);
                return 1;
            }
            if (scale == 8 && verdict(rc) == 0) {
                for (int32_t r = 0; r < h; r++) {
                    if (memcmp(part + (size_t) r * w * comps, full + ((size_t) (y + r) * sw + x) * comps,
                               (size_t) w * comps) != 0) {
                        printf("%s: region %dx%d at (%d, %d) differs from the whole decode in row %d\n", what, w, h,
                               x, y, r);
                        free(part); free(full); free(data);
                        return 1;
                    }
                }
            }
            if (comps == 3 && check_resampled(what, data, size, scale, x, y, w, h, flags, prc,
                                              scale == 8 ? part : NULL)) {
                free(part); free(full); free(data);
                return 1;
            }
            free(part);
        }
        /* a buffer one byte short must be refused, not overrun */
        if (sw * sh * comps > 1) {
            unsigned char *small = malloc((size_t) (sw * sh * comps - 1));
            int src_rc = dl4j_jpeg_decode(data, (int64_t) size, scale, 0, 0, 0, 0, 0, small, sw * sh * comps - 1,
                                          out_info, msg, (int32_t) sizeof msg);
            decodes++;
            free(small);
            if (src_rc != -4) {
                printf("%s: a buffer one byte short at %d/8 gave %d instead of -4\n", what, scale, src_rc);
                free(full); free(data);
                return 1;
            }
        }
        free(full);
    }
    free(data);
    return 0;
}

int main(int argc, char **argv) {
    char what[600];
    static const unsigned char markers[] = {0xC4, 0xD9, 0xDA, 0xD0, 0xE1, 0xC0, 0xDB, 0xDD, 0xFE, 0xFF};
    setvbuf(stdout, NULL, _IONBF, 0);   /* a failure's message must reach the pipe before LeakSanitizer exits */
    srand(7);
    for (int a = 1; a < argc; a++) {
        size_t size;
        unsigned char *data = read_file(argv[a], &size);
        if (data == NULL) {
            printf("cannot read %s\n", argv[a]);
            return 1;
        }
        snprintf(what, sizeof what, "%s", argv[a]);
        if (check(what, data, size)) return 1;
        for (size_t keep = 0; keep < size; keep += keep < 300 ? 1 : 23) {
            snprintf(what, sizeof what, "%s cut to %zu bytes", argv[a], keep);
            if (check(what, data, keep)) return 1;
        }
        unsigned char *copy = malloc(size);
        for (int i = 0; i < 40 && size > 4; i++) {
            memcpy(copy, data, size);
            size_t at = 2 + (size_t) rand() % (size - 4);
            if (i % 2) {
                copy[at] = 0xFF;
                copy[at + 1] = markers[rand() % (int) sizeof markers];
            } else {
                copy[at] ^= (unsigned char) (1 + rand() % 255);
            }
            snprintf(what, sizeof what, "%s damaged at %zu (%02x %02x)", argv[a], at, copy[at], copy[at + 1]);
            if (check(what, copy, size)) return 1;
        }
        for (int i = 0; i < 10 && size > 200; i++) {   /* the header kept, noise after it */
            memcpy(copy, data, size);
            for (size_t k = size / 3; k < size; k++) copy[k] = (unsigned char) rand();
            snprintf(what, sizeof what, "%s with noise after byte %zu", argv[a], size / 3);
            if (check(what, copy, size)) return 1;
        }
        free(copy);
        free(data);
    }
    /* no data, one byte, garbage with a JPEG signature */
    unsigned char sig[64] = {0xFF, 0xD8, 0xFF};
    for (size_t n = 0; n <= sizeof sig; n++) {
        snprintf(what, sizeof what, "signature and %zu bytes", n);
        if (check(what, sig, n)) return 1;
        if (n >= 3 && n < sizeof sig) sig[n] = (unsigned char) rand();
    }
    printf("ok %ld decodes\n", decodes);
    return 0;
}
