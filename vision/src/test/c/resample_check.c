/* Checks dl4j_resample_rgb against an independent scalar resample on random tables (negative weights, every size
   from 1 pixel), and dl4j_to_planes against its formula; built under ASan/UBSan by run-resample-check.sh, so that
   any read past a buffer fails. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random_tables.h"
int dl4j_resample_rgb(const uint8_t *src, int64_t src_bytes, int32_t in_w, int32_t in_h,
                      const int32_t *h_start, const int32_t *h_weights, int32_t h_taps, int32_t out_w,
                      const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize,
                      int32_t v_first, int32_t v_last, int32_t out_h, uint8_t *dst, int64_t dst_bytes);
int dl4j_to_planes(const uint8_t *src, int64_t src_bytes, int32_t w, int32_t h, int32_t c, const float *mean,
                   const float *std, int32_t mirror, int32_t streaming, float *dst, int64_t dst_bytes);

/* dl4j_to_planes against the formula, for every channel count, both directions and odd widths. */
static int check_planes(void) {
    for (int it = 0; it < 3000; it++) {   /* from 2,000 on: RGB rows of up to 300 pixels, several blocks of 64 */
        int w = it < 2000 ? 1 + rand() % 70 : 1 + rand() % 300, h = 1 + rand() % 9;
        int c = it < 2000 ? 1 + rand() % 4 : 3, mirror = rand() % 2;
        float mean[4], std[4];
        for (int k = 0; k < 4; k++) { mean[k] = (float) (rand() % 1000) / 997.0f; std[k] = 0.05f + (float) (rand() % 1000) / 499.0f; }
        size_t sb = (size_t) w * h * c;
        uint8_t *src = malloc(sb); for (size_t i = 0; i < sb; i++) src[i] = rand();
        float *dst = malloc(sb * sizeof(float));
        if (dl4j_to_planes(src, sb, w, h, c, mean, std, mirror, it % 3 == 0, dst, sb * sizeof(float)) != 0) { printf("planes rc at %d\n", it); return 1; }
        for (int k = 0; k < c; k++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int sx = mirror ? w - 1 - x : x;
            volatile float v = (float) src[((size_t) y * w + sx) * c + k] / 255.0f;
            volatile float e = (v - mean[k]) / std[k];
            if (dst[(size_t) k * w * h + (size_t) y * w + x] != e) { printf("planes mismatch at %d\n", it); return 1; } }
        free(src); free(dst);
    }
    return 0;
}

/*
 * Replaces the horizontal table of t by a resize's shape: starts that grow with the output column (as far apart as
 * in_w / out_w), taps random up to 14, weights random. Level 3 reads such tables through windows of 128 bytes.
 */
static void monotonic_columns(struct random_tables *t, int in_w, int out_w) {
    int taps = 1 + rand() % (in_w < 14 ? in_w : 14);
    free(t->hw);
    t->taps = taps;
    t->hw = malloc((size_t) out_w * taps * 4);
    for (int x = 0; x < out_w; x++) {
        int s = (int) (((double) x + 0.5) * in_w / out_w) - taps / 2;
        t->hs[x] = s < 0 ? 0 : s > in_w - taps ? in_w - taps : s;
        for (int k = 0; k < taps; k++) t->hw[x * taps + k] = random_weight();
    }
}

/* dl4j_resample_rgb on src with the tables against a scalar resample; 0 when they agree. */
static int check_resample(int it, const uint8_t *src, int in_w, int in_h, int out_w, int out_h,
                          const struct random_tables *tables) {
    size_t sb = (size_t) in_w * in_h * 3;
    int taps = tables->taps, ks = tables->ks, first = tables->first, last = tables->last;
    const int32_t *hs = tables->hs, *hw = tables->hw, *vs = tables->vs, *vc = tables->vc, *vw = tables->vw;
    size_t db = (size_t) out_w * out_h * 3;
    uint8_t *dst = malloc(db);
    int rc = dl4j_resample_rgb(src, sb, in_w, in_h, hs, hw, taps, out_w, vs, vc, vw, ks, first, last, out_h, dst, db);
    if (rc != 0) { printf("rc %d at %d\n", rc, it); return 1; }
    /* scalar reference */
    uint8_t *mid = malloc((size_t) in_h * out_w * 3);
    for (int y = 0; y < in_h; y++) for (int x = 0; x < out_w; x++) for (int c = 0; c < 3; c++) {
        uint32_t a = 1u << 21; for (int t = 0; t < taps; t++) a += src[((size_t) y * in_w + hs[x] + t) * 3 + c] * (uint32_t) hw[x * taps + t];
        int32_t v = (int32_t) a >> 22; mid[((size_t) y * out_w + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v; }
    for (int y = 0; y < out_h; y++) for (int j = 0; j < out_w * 3; j++) {
        uint32_t a = 1u << 21; for (int t = 0; t < vc[y]; t++) a += mid[(size_t) (vs[y] + t) * out_w * 3 + j] * (uint32_t) vw[y * ks + t];
        int32_t v = (int32_t) a >> 22; uint8_t e = v < 0 ? 0 : v > 255 ? 255 : v;
        if (dst[(size_t) y * out_w * 3 + j] != e) { printf("mismatch it %d y %d j %d\n", it, y, j); return 1; } }
    free(dst); free(mid);
    return 0;
}

int main(void) {
    if (check_planes() != 0) {
        return 1;
    }
    srand(1);
    for (int it = 0; it < 11000; it++) {
        int wide = it >= 8000;   /* then resize-shaped columns of wide rows: the windows, and rows' ends */
        int in_w = wide ? 1 + rand() % 800 : 1 + rand() % 60, in_h = wide ? 1 + rand() % 4 : 1 + rand() % 40;
        int out_w = wide ? 1 + rand() % 300 : 1 + rand() % 70, out_h = wide ? 1 + rand() % 3 : 1 + rand() % 30;
        size_t sb = (size_t) in_w * in_h * 3;
        uint8_t *src = malloc(sb); for (size_t i = 0; i < sb; i++) src[i] = rand();
        struct random_tables tables = random_tables(in_w, in_h, out_w, out_h);
        if (wide) {
            monotonic_columns(&tables, in_w, out_w);
        }
        if (check_resample(it, src, in_w, in_h, out_w, out_h, &tables) != 0) {
            return 1;
        }
        free(src); free_random_tables(&tables);
    }
    printf("ok\n");
    return 0;
}
