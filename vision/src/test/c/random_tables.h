/* Random resample tables for the C checks of this folder (resample_check.c, jpeg_check.c): what dl4j_resample_rgb
   and dl4j_jpeg_decode_resampled take for an in_w x in_h input and an out_w x out_h output, with weights of both
   signs (22-bit fixed point and beyond, so that clipping is exercised), up to 9 horizontal taps, up to 6 vertical
   weight slots, some rows with no weight at all, and every index inside the input. */
#ifndef DL4J_RANDOM_TABLES_H
#define DL4J_RANDOM_TABLES_H

#include <stdint.h>
#include <stdlib.h>

struct random_tables {
    int32_t taps, ks, first, last;             /* h_taps, v_ksize, v_first, v_last */
    int32_t *hs, *hw, *vs, *vc, *vw;           /* h_start, h_weights, v_start, v_count, v_weights */
};

static int32_t random_weight(void) {
    return (rand() % (1 << 23)) - (1 << 20);
}

static struct random_tables random_tables(int32_t in_w, int32_t in_h, int32_t out_w, int32_t out_h) {
    struct random_tables t;
    t.taps = 1 + rand() % in_w;
    if (t.taps > 9) t.taps = 1 + rand() % 9;
    if (t.taps > in_w) t.taps = in_w;
    t.ks = 1 + rand() % (in_h < 6 ? in_h : 6);
    t.hs = malloc((size_t) out_w * 4);
    t.hw = malloc((size_t) out_w * t.taps * 4);
    for (int32_t x = 0; x < out_w; x++) {
        t.hs[x] = rand() % (in_w - t.taps + 1);
        for (int32_t k = 0; k < t.taps; k++) t.hw[x * t.taps + k] = random_weight();
    }
    t.vs = malloc((size_t) out_h * 4);
    t.vc = malloc((size_t) out_h * 4);
    t.vw = malloc((size_t) out_h * t.ks * 4);
    t.first = in_h;
    t.last = 0;
    for (int32_t y = 0; y < out_h; y++) {
        t.vc[y] = rand() % (t.ks + 1);
        t.vs[y] = rand() % (in_h - t.vc[y] + 1);
        if (t.vs[y] < t.first) t.first = t.vs[y];
        if (t.vs[y] + t.vc[y] > t.last) t.last = t.vs[y] + t.vc[y];
        for (int32_t k = 0; k < t.ks; k++) t.vw[y * t.ks + k] = random_weight();
    }
    if (t.last <= t.first) {   /* every row without weights: still one row read */
        t.last = t.first + 1;
        if (t.last > in_h) { t.first = in_h - 1; t.last = in_h; }
    }
    return t;
}

static void free_random_tables(struct random_tables *t) {
    free(t->hs); free(t->hw); free(t->vs); free(t->vc); free(t->vw);
}

#endif
