/*
 * dl4j_resample.h - the two-pass RGB resample of dl4j_pixels.c as a step-by-step object, shared by
 * dl4j_resample_rgb (an image held in memory) and dl4j_jpeg_decode_resampled (rows as libjpeg hands them out, so
 * that the decoded region is never written whole). Not exported from the library.
 *
 * Use: dl4j_resampler_init checks the tables and says how much scratch memory the resample needs; the caller
 * provides it (malloc, or libjpeg's image pool, which jpeg_destroy_decompress frees even after a longjmp) with
 * dl4j_resampler_start; dl4j_resampler_rows runs the horizontal pass over input rows as they come, in any groups,
 * top to bottom; dl4j_resampler_finish runs the vertical pass into the output.
 */
#ifndef DL4J_RESAMPLE_H
#define DL4J_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define DL4J_RESAMPLE_STRIP 16   /* rows the SIMD horizontal pass takes at once */

struct dl4j_resampler {
    int32_t in_w, in_h, out_w, out_h;
    const int32_t *h_start, *h_weights, *v_start, *v_count, *v_weights;
    int32_t h_taps, v_ksize, v_first, v_last;
    int64_t in_row, out_row;
    int32_t groups, safe_last, level;
    uint8_t *mid;      /* (v_last - v_first) rows of out_row bytes: the horizontal pass's results */
    uint32_t *acc;     /* out_row sums of the vertical pass */
    int32_t *wexp;     /* the horizontal weights expanded for the 4-pixel SIMD kernels */
    uint8_t *cols;     /* a strip of 16 rows, transposed */
    uint8_t *outs;     /* the strip's horizontal results, transposed */
    int32_t vnni, quads, vgroups;   /* level 3 (dl4j_pixels.c's horizontal_vnni): in use, taps / 4 rounded up, */
    int32_t *vgroup;                /* groups of 16 outputs; per group the window starts and count, */
    uint8_t *vidx;                  /* the byte indexes into the windows */
    int8_t *vdig;                   /* and the weights' byte digits; */
    int32_t vnni_v, vquads;         /* the vertical pass at level 3: in use, v_ksize / 4 rounded up, */
    int32_t *vvdig;                 /* the weights' digits, 4 taps to a word */
};

/*
 * Checks the tables against the in_w x in_h input (see dl4j_resample_rgb) and fills rs, without memory yet.
 * Returns DL4J_OK (0) and the scratch bytes needed in *scratch_bytes, or DL4J_BAD_ARGS (-3).
 */
__attribute__((visibility("hidden")))
int dl4j_resampler_init(struct dl4j_resampler *rs, int32_t in_w, int32_t in_h,
                        const int32_t *h_start, const int32_t *h_weights, int32_t h_taps, int32_t out_w,
                        const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize,
                        int32_t v_first, int32_t v_last, int32_t out_h, size_t *scratch_bytes);

/* Hands rs its scratch memory (scratch_bytes from init, any alignment) and prepares the weights. */
__attribute__((visibility("hidden")))
void dl4j_resampler_start(struct dl4j_resampler *rs, void *scratch);

/*
 * The horizontal pass over the input rows first .. first + n - 1, rows[k] pointing at row first + k (in_w RGB
 * pixels); rows outside v_first .. v_last - 1 are not read. over_read: each row may be read 1 byte past its end
 * (the byte is multiplied by a zero weight); otherwise the last pixels of each row are computed one by one.
 */
__attribute__((visibility("hidden")))
void dl4j_resampler_rows(struct dl4j_resampler *rs, int32_t first, const uint8_t *const *rows, int32_t n,
                         int over_read);

/* The vertical pass, once every row v_first .. v_last - 1 went through dl4j_resampler_rows: out_w x out_h RGB. */
__attribute__((visibility("hidden")))
void dl4j_resampler_finish(struct dl4j_resampler *rs, uint8_t *dst);

#endif
