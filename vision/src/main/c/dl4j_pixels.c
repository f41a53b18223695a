/*
 * dl4j_pixels.c - pixel kernels for dataloader4j's vision module, called through java.lang.foreign
 * (org.dataloader4j.vision.internal.NativeKernels) when this library is loaded: the two-pass fixed-point resample of 8-bit RGB
 * images (dl4j_resample_rgb) and ToTensor + Normalize into float planes (dl4j_to_planes). Otherwise the Java kernels
 * in org.dataloader4j.vision.transforms (Pixels, TensorWriter) do the same work with the same results.
 *
 * The arithmetic is PIL's (and Pixels'): per output sample a sum of 8-bit inputs times 22-bit fixed-point weights,
 * started at 1 << 21, shifted right by 22 and clipped to 0..255; first along rows (horizontal pass, into 8-bit
 * intermediate rows), then along columns. Integer sums do not depend on their order, so the SIMD kernels below give
 * the same bytes as the scalar ones and as the Java code; sums use unsigned 32-bit arithmetic, which wraps exactly as
 * Java's int does.
 *
 * The resample is also a step-by-step object (dl4j_resample.h): dl4j_jpeg_decode_resampled feeds it the rows of a
 * decoded region as libjpeg hands them out, so that the region is never written whole.
 *
 * Tables come from the caller (ResizeCoefficients): the horizontal one padded to a constant number of taps per
 * output (zero weights outside the filter), the vertical one as start, count and ksize weight slots per output row.
 * Every index is checked against the image before anything is read. The horizontal pass runs one row at a time on
 * 16 outputs per vector where AVX-512 has VBMI and VNNI (horizontal_vnni), on 16 rows at a time where AVX2 or
 * AVX-512 alone is present (the rows transposed so that one weight multiplies the same byte of 16 rows), otherwise
 * row by row; the instruction set is chosen at run time. The vertical pass is vertical_vnni at level 3 and a loop
 * that the compiler vectorises otherwise.
 *
 * dl4j_to_planes computes ((byte / 255f) - mean) / std with float32 division and subtraction only (build with
 * -ffp-contract=off), which are correctly rounded in C as in Java, so the floats are the Java ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dl4j_resample.h"

#define PRECISION_BITS 22
#define HALF (1u << (PRECISION_BITS - 1))

/* Per-level copies of the auto-vectorised loops, chosen at load time (GCC 12+ on x86-64; elsewhere one copy). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define DL4J_CLONES 1
#else
#define DL4J_CLONES 0
#endif

#define DL4J_OK 0
#define DL4J_BAD_ARGS (-3)
#define DL4J_NO_MEMORY (-6)

static inline uint8_t clip8(uint32_t acc) {
    int32_t v = (int32_t) acc >> PRECISION_BITS;
    return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* One output pixel of the horizontal pass, scalar. */
static inline void horizontal_pixel(const uint8_t *in, int32_t start, const int32_t *w, int32_t taps, uint8_t *out) {
    uint32_t a0 = HALF, a1 = HALF, a2 = HALF;
    const uint8_t *p = in + (int64_t) start * 3;
    for (int32_t t = 0; t < taps; t++, p += 3) {
        uint32_t wt = (uint32_t) w[t];
        a0 += p[0] * wt;
        a1 += p[1] * wt;
        a2 += p[2] * wt;
    }
    out[0] = clip8(a0);
    out[1] = clip8(a1);
    out[2] = clip8(a2);
}

static void horizontal_scalar(const uint8_t *in, const int32_t *start, const int32_t *w, int32_t taps,
                              int32_t out_w, uint8_t *out) {
    for (int32_t x = 0; x < out_w; x++) {
        horizontal_pixel(in, start[x], w + (int64_t) x * taps, taps, out + (int64_t) x * 3);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static inline uint32_t load4(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/*
 * Four output pixels at a time: each tap loads 4 bytes (R, G, B and the next byte, whose weight lane is zero) of four
 * source pixels, widens the 16 bytes to 16 lanes and multiplies by the expanded weights (each pixel's weight in its
 * four lanes, zero in the fourth). wexp holds, per group of 4 outputs and tap, 16 weights. Reads up to
 * 1 byte past the last pixel a tap uses; the caller keeps the last groups of the image's last row on the scalar path.
 */
__attribute__((target("avx512f,avx512bw")))
static int32_t horizontal_avx512(const uint8_t *in, const int32_t *start, const int32_t *wexp, int32_t taps,
                                 int32_t groups, uint8_t *out) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i max = _mm512_set1_epi32(255);
    for (int32_t g = 0; g < groups; g++) {
        const uint8_t *p0 = in + (int64_t) start[4 * g] * 3;
        const uint8_t *p1 = in + (int64_t) start[4 * g + 1] * 3;
        const uint8_t *p2 = in + (int64_t) start[4 * g + 2] * 3;
        const uint8_t *p3 = in + (int64_t) start[4 * g + 3] * 3;
        const int32_t *w = wexp + (int64_t) g * taps * 16;
        __m512i acc = _mm512_set1_epi32((int32_t) HALF);
        for (int32_t t = 0; t < taps; t++) {
            __m128i b = _mm_set_epi32((int32_t) load4(p3 + 3 * t), (int32_t) load4(p2 + 3 * t),
                                      (int32_t) load4(p1 + 3 * t), (int32_t) load4(p0 + 3 * t));
            __m512i px = _mm512_cvtepu8_epi32(b);
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(px, _mm512_loadu_si512((const void *) (w + 16 * t))));
        }
        acc = _mm512_min_epi32(_mm512_max_epi32(_mm512_srai_epi32(acc, PRECISION_BITS), zero), max);
        __m128i bytes = _mm512_cvtepi32_epi8(acc);   /* R0 G0 B0 x R1 G1 B1 x ... */
        uint8_t tmp[16];
        _mm_storeu_si128((__m128i *) tmp, bytes);
        uint8_t *o = out + (int64_t) g * 12;
        o[0] = tmp[0]; o[1] = tmp[1]; o[2] = tmp[2];
        o[3] = tmp[4]; o[4] = tmp[5]; o[5] = tmp[6];
        o[6] = tmp[8]; o[7] = tmp[9]; o[8] = tmp[10];
        o[9] = tmp[12]; o[10] = tmp[13]; o[11] = tmp[14];
    }
    return groups;
}

__attribute__((target("avx2")))
static int32_t horizontal_avx2(const uint8_t *in, const int32_t *start, const int32_t *wexp, int32_t taps,
                               int32_t groups, uint8_t *out) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i max = _mm256_set1_epi32(255);
    for (int32_t g = 0; g < groups; g++) {
        const int32_t *w = wexp + (int64_t) g * taps * 16;
        for (int half = 0; half < 2; half++) {
            const uint8_t *p0 = in + (int64_t) start[4 * g + 2 * half] * 3;
            const uint8_t *p1 = in + (int64_t) start[4 * g + 2 * half + 1] * 3;
            __m256i acc = _mm256_set1_epi32((int32_t) HALF);
            for (int32_t t = 0; t < taps; t++) {
                __m128i b = _mm_set_epi32(0, 0, (int32_t) load4(p1 + 3 * t), (int32_t) load4(p0 + 3 * t));
                __m256i px = _mm256_cvtepu8_epi32(b);
                __m256i wt = _mm256_loadu_si256((const __m256i *) (w + 16 * t + 8 * half));
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(px, wt));
            }
            acc = _mm256_min_epi32(_mm256_max_epi32(_mm256_srai_epi32(acc, PRECISION_BITS), zero), max);
            int32_t lanes[8];
            _mm256_storeu_si256((__m256i *) lanes, acc);
            uint8_t *o = out + (int64_t) g * 12 + 6 * half;
            o[0] = (uint8_t) lanes[0]; o[1] = (uint8_t) lanes[1]; o[2] = (uint8_t) lanes[2];
            o[3] = (uint8_t) lanes[4]; o[4] = (uint8_t) lanes[5]; o[5] = (uint8_t) lanes[6];
        }
    }
    return groups;
}

/* Transposes 16 rows of 16 bytes (x[r]) into 16 columns of 16 bytes (y[c] holds byte c of every row, in row order). */
static inline void transpose16(const __m128i x[16], __m128i y[16]) {
    __m128i t[16], u[16], v[16];
    for (int i = 0; i < 8; i++) {
        t[i] = _mm_unpacklo_epi8(x[2 * i], x[2 * i + 1]);
        t[i + 8] = _mm_unpackhi_epi8(x[2 * i], x[2 * i + 1]);
    }
    for (int h = 0; h < 16; h += 8) {
        for (int i = 0; i < 4; i++) {
            u[h + i] = _mm_unpacklo_epi16(t[h + 2 * i], t[h + 2 * i + 1]);
            u[h + i + 4] = _mm_unpackhi_epi16(t[h + 2 * i], t[h + 2 * i + 1]);
        }
    }
    for (int q = 0; q < 16; q += 4) {
        for (int i = 0; i < 2; i++) {
            v[q + i] = _mm_unpacklo_epi32(u[q + 2 * i], u[q + 2 * i + 1]);
            v[q + i + 2] = _mm_unpackhi_epi32(u[q + 2 * i], u[q + 2 * i + 1]);
        }
    }
    for (int q = 0; q < 16; q += 2) {
        y[q] = _mm_unpacklo_epi64(v[q], v[q + 1]);
        y[q + 1] = _mm_unpackhi_epi64(v[q], v[q + 1]);
    }
}

/* cols[j * 16 + r] = byte j of rows[r], for the 16 rows and j < row_len. */
static void strip_columns(const uint8_t *const *rows, int32_t row_len, uint8_t *cols) {
    __m128i x[16], y[16];
    int32_t j = 0;
    for (; j + 16 <= row_len; j += 16) {
        for (int r = 0; r < 16; r++) {
            x[r] = _mm_loadu_si128((const __m128i *) (rows[r] + j));
        }
        transpose16(x, y);
        for (int k = 0; k < 16; k++) {
            _mm_storeu_si128((__m128i *) (cols + (int64_t) (j + k) * 16), y[k]);
        }
    }
    for (; j < row_len; j++) {
        for (int r = 0; r < 16; r++) {
            cols[(int64_t) j * 16 + r] = rows[r][j];
        }
    }
}

/* The inverse of strip_columns: row r of out (stride out_stride) gets byte r of each 16-byte column of outs. */
static void strip_rows(const uint8_t *outs, int32_t out_len, uint8_t *out, int64_t out_stride) {
    __m128i x[16], y[16];
    int32_t j = 0;
    for (; j + 16 <= out_len; j += 16) {
        for (int k = 0; k < 16; k++) {
            x[k] = _mm_loadu_si128((const __m128i *) (outs + (int64_t) (j + k) * 16));
        }
        transpose16(x, y);
        for (int r = 0; r < 16; r++) {
            _mm_storeu_si128((__m128i *) (out + r * out_stride + j), y[r]);
        }
    }
    for (; j < out_len; j++) {
        for (int r = 0; r < 16; r++) {
            out[r * out_stride + j] = outs[(int64_t) j * 16 + r];
        }
    }
}

/*
 * The horizontal pass of 16 rows at once, on columns from strip_columns: every multiply-add works on the same byte
 * position of 16 rows with one weight. Writes 16 results per output byte into outs (out_w * 3 x 16 bytes).
 */
__attribute__((target("avx512f,avx512bw")))
static void strip_filter_avx512(const uint8_t *cols, const int32_t *start, const int32_t *w, int32_t taps,
                                int32_t out_w, uint8_t *outs) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i max = _mm512_set1_epi32(255);
    const __m512i half = _mm512_set1_epi32((int32_t) HALF);
    for (int32_t o = 0; o < out_w; o++) {
        const uint8_t *p = cols + (int64_t) start[o] * 3 * 16;
        const int32_t *wo = w + (int64_t) o * taps;
        __m512i acc[3] = {half, half, half};
        for (int32_t t = 0; t < taps; t++, p += 48) {
            __m512i wt = _mm512_set1_epi32(wo[t]);
            for (int c = 0; c < 3; c++) {
                __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *) (p + 16 * c)));
                acc[c] = _mm512_add_epi32(acc[c], _mm512_mullo_epi32(v, wt));
            }
        }
        for (int c = 0; c < 3; c++) {
            __m512i v = _mm512_min_epi32(_mm512_max_epi32(_mm512_srai_epi32(acc[c], PRECISION_BITS), zero), max);
            _mm_storeu_si128((__m128i *) (outs + (int64_t) o * 48 + 16 * c), _mm512_cvtepi32_epi8(v));
        }
    }
}

/* strip_filter_avx512 with two 8-lane halves per 16 rows. */
__attribute__((target("avx2")))
static void strip_filter_avx2(const uint8_t *cols, const int32_t *start, const int32_t *w, int32_t taps,
                              int32_t out_w, uint8_t *outs) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i max = _mm256_set1_epi32(255);
    const __m256i half = _mm256_set1_epi32((int32_t) HALF);
    for (int32_t o = 0; o < out_w; o++) {
        const uint8_t *p = cols + (int64_t) start[o] * 3 * 16;
        const int32_t *wo = w + (int64_t) o * taps;
        __m256i lo[3] = {half, half, half};
        __m256i hi[3] = {half, half, half};
        for (int32_t t = 0; t < taps; t++, p += 48) {
            __m256i wt = _mm256_set1_epi32(wo[t]);
            for (int c = 0; c < 3; c++) {
                __m128i b = _mm_loadu_si128((const __m128i *) (p + 16 * c));
                lo[c] = _mm256_add_epi32(lo[c], _mm256_mullo_epi32(_mm256_cvtepu8_epi32(b), wt));
                hi[c] = _mm256_add_epi32(hi[c], _mm256_mullo_epi32(_mm256_cvtepu8_epi32(_mm_srli_si128(b, 8)), wt));
            }
        }
        for (int c = 0; c < 3; c++) {
            __m256i a = _mm256_min_epi32(_mm256_max_epi32(_mm256_srai_epi32(lo[c], PRECISION_BITS), zero), max);
            __m256i b = _mm256_min_epi32(_mm256_max_epi32(_mm256_srai_epi32(hi[c], PRECISION_BITS), zero), max);
            __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);   /* a0..7, b0..7 */
            __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
            _mm_storeu_si128((__m128i *) (outs + (int64_t) o * 48 + 16 * c), bytes);
        }
    }
}

/*
 * Level 3, the horizontal pass one row at a time, 16 outputs per vector and no transposes. Each output's taps are
 * read from a window of 128 bytes of the row (one per group of 16 outputs, or one per 8 when the group spans more)
 * by a byte permute (VBMI) that puts 4 consecutive taps of one channel in each 32-bit lane; VNNI's dot product of
 * unsigned bytes and signed bytes then adds 4 taps at once. The 22-bit weights are split into 3 signed byte digits,
 * w = d0 + 256 d1 + 65536 d2, one dot product each: the sums recombined modulo 2^32 are exactly the scalar ones.
 * Groups whose taps do not fit the windows are computed one pixel at a time. Tables: vidx (per group, quad of taps
 * and channel: 64 byte indexes into the window), vdig (per group, quad and digit: 64 signed bytes), vgroup (per
 * group: the window starts in bytes and the number of windows, 0 for the scalar fallback).
 */
#define VNNI_WINDOW 128

/* Byte 3l + c of an output group is byte l of channel c's 16 results, which sit at bytes 16c .. 16c + 15. */
static const uint8_t INTERLEAVE_RGB[64] = {
    0, 16, 32, 1, 17, 33, 2, 18, 34, 3, 19, 35, 4, 20, 36, 5, 21, 37, 6, 22, 38, 7, 23, 39, 8, 24, 40, 9, 25,
    41, 10, 26, 42, 11, 27, 43, 12, 28, 44, 13, 29, 45, 14, 30, 46, 15, 31, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0
};

/* Splits w into 3 signed byte digits; 0 when w needs more (outside about +-2^23). */
static int split_weight(int32_t w, int8_t d[3]) {
    int64_t r = w;
    for (int k = 0; k < 3; k++) {
        int64_t digit = ((r + 128) & 255) - 128;
        d[k] = (int8_t) digit;
        r = (r - digit) / 256;
    }
    return r == 0;
}

/* Whether every horizontal weight splits into digits (always so for PIL's filters, whose weights are below 2^23). */
static int weights_split(const int32_t *w, int64_t n) {
    int8_t d[3];
    for (int64_t i = 0; i < n; i++) {
        if (!split_weight(w[i], d)) {
            return 0;
        }
    }
    return 1;
}

/*
 * The three digit sums recombined, a0 + 256 a1 + 65536 a2 plus the rounding half (modulo 2^32, as the scalar sums
 * wrap), shifted down by PRECISION_BITS: the scalar code's (int32_t) acc >> 22, before its clamp.
 */
__attribute__((target("avx512f")))
static inline __m512i recombine(__m512i a0, __m512i a1, __m512i a2) {
    __m512i sum = _mm512_add_epi32(_mm512_add_epi32(a0, _mm512_set1_epi32((int32_t) HALF)),
                                   _mm512_add_epi32(_mm512_slli_epi32(a1, 8), _mm512_slli_epi32(a2, 16)));
    return _mm512_srai_epi32(sum, PRECISION_BITS);
}

/*
 * Byte k of r0..r3 side by side in 32-bit words, within each 128-bit lane: x[i] holds bytes 4i .. 4i + 3 of every
 * lane, each as the word (r0, r1, r2, r3). Used for 4 taps per word (VNNI) and for the 4 bytes of a float.
 */
__attribute__((target("avx512f,avx512bw")))
static inline void interleave4(__m512i r0, __m512i r1, __m512i r2, __m512i r3, __m512i x[4]) {
    __m512i a = _mm512_unpacklo_epi8(r0, r1), b = _mm512_unpackhi_epi8(r0, r1);
    __m512i c = _mm512_unpacklo_epi8(r2, r3), d = _mm512_unpackhi_epi8(r2, r3);
    x[0] = _mm512_unpacklo_epi16(a, c);   /* bytes 0-3 of a lane */
    x[1] = _mm512_unpackhi_epi16(a, c);   /* 4-7 */
    x[2] = _mm512_unpacklo_epi16(b, d);   /* 8-11 */
    x[3] = _mm512_unpackhi_epi16(b, d);   /* 12-15 */
}

/* The mask of the bytes from .. from + 63 that lie inside the first avail bytes. */
static inline __mmask64 bytes_inside(int64_t avail, int64_t from) {
    int64_t n = avail - from;
    return n >= 64 ? ~(__mmask64) 0 : n <= 0 ? 0 : (((__mmask64) 1) << n) - 1;
}

/* Bytes from .. from + 63 of the avail bytes at p, zero past them (which are not read). */
__attribute__((target("avx512f,avx512bw")))
static inline __m512i load_inside(const uint8_t *p, int64_t avail, int64_t from) {
    return _mm512_maskz_loadu_epi8(bytes_inside(avail, from), p + (from < avail ? from : 0));
}

/* The window of 128 bytes from byte base of a row of row_len bytes; bytes past the row's end are not read (zero). */
__attribute__((target("avx512f,avx512bw")))
static inline void load_window(const uint8_t *in, int64_t row_len, int32_t base, __m512i *lo, __m512i *hi) {
    *lo = load_inside(in + base, row_len - base, 0);
    *hi = load_inside(in + base, row_len - base, 64);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vnni")))
static void horizontal_vnni(const struct dl4j_resampler *rs, const uint8_t *in, uint8_t *out) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i max = _mm512_set1_epi32(255);
    const __m512i interleave = _mm512_loadu_si512((const void *) INTERLEAVE_RGB);
    const int32_t quads = rs->quads;
    for (int32_t g = 0; g < rs->vgroups; g++) {
        const int32_t *info = rs->vgroup + 3 * g;
        int32_t first = 16 * g;
        int32_t n = rs->out_w - first < 16 ? rs->out_w - first : 16;
        if (info[2] == 0) {
            horizontal_scalar(in, rs->h_start + first, rs->h_weights + (int64_t) first * rs->h_taps, rs->h_taps, n,
                              out + (int64_t) first * 3);
            continue;
        }
        __m512i lo0, hi0, lo1 = zero, hi1 = zero;
        load_window(in, rs->in_row, info[0], &lo0, &hi0);
        if (info[2] == 2) {
            load_window(in, rs->in_row, info[1], &lo1, &hi1);
        }
        __m512i acc[3][3];   /* per channel, per digit */
        for (int c = 0; c < 3; c++) {
            acc[c][0] = acc[c][1] = acc[c][2] = zero;
        }
        const uint8_t *idx = rs->vidx + (int64_t) g * quads * 192;
        const int8_t *dig = rs->vdig + (int64_t) g * quads * 192;
        for (int32_t q = 0; q < quads; q++, idx += 192, dig += 192) {
            __m512i d0 = _mm512_loadu_si512((const void *) dig);
            __m512i d1 = _mm512_loadu_si512((const void *) (dig + 64));
            __m512i d2 = _mm512_loadu_si512((const void *) (dig + 128));
            for (int c = 0; c < 3; c++) {
                __m512i ix = _mm512_loadu_si512((const void *) (idx + 64 * c));
                __m512i px = _mm512_permutex2var_epi8(lo0, ix, hi0);
                if (info[2] == 2) {   /* lanes 8..15 (bytes 32..63) from the second window */
                    px = _mm512_mask_blend_epi8(0xFFFFFFFF00000000ull, px, _mm512_permutex2var_epi8(lo1, ix, hi1));
                }
                acc[c][0] = _mm512_dpbusd_epi32(acc[c][0], px, d0);
                acc[c][1] = _mm512_dpbusd_epi32(acc[c][1], px, d1);
                acc[c][2] = _mm512_dpbusd_epi32(acc[c][2], px, d2);
            }
        }
        __m128i bytes[3];
        for (int c = 0; c < 3; c++) {
            __m512i v = recombine(acc[c][0], acc[c][1], acc[c][2]);
            bytes[c] = _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(v, zero), max));
        }
        __m512i all = _mm512_inserti32x4(_mm512_castsi128_si512(bytes[0]), bytes[1], 1);
        all = _mm512_inserti32x4(all, bytes[2], 2);
        __mmask64 keep = (((__mmask64) 1) << (3 * n)) - 1;
        _mm512_mask_storeu_epi8(out + (int64_t) first * 3, keep, _mm512_permutexvar_epi8(interleave, all));
    }
}

/* Level 3's tables for rs (see horizontal_vnni), into the memory dl4j_resampler_start gave them. */
static void prepare_vnni(struct dl4j_resampler *rs) {
    const int32_t taps = rs->h_taps, quads = rs->quads;
    for (int32_t g = 0; g < rs->vgroups; g++) {
        int32_t lanes = rs->out_w - 16 * g < 16 ? rs->out_w - 16 * g : 16;
        int32_t lo[2] = {INT32_MAX, INT32_MAX}, hi[2] = {0, 0};   /* pixel spans of lanes 0..7 and 8..15 */
        for (int32_t l = 0; l < lanes; l++) {
            int32_t s = rs->h_start[16 * g + l];
            lo[l / 8] = s < lo[l / 8] ? s : lo[l / 8];
            hi[l / 8] = s + taps > hi[l / 8] ? s + taps : hi[l / 8];
        }
        if (lanes <= 8) {
            lo[1] = lo[0];
            hi[1] = hi[0];
        }
        int32_t all_lo = lo[0] < lo[1] ? lo[0] : lo[1], all_hi = hi[0] > hi[1] ? hi[0] : hi[1];
        int32_t *info = rs->vgroup + 3 * g;
        int32_t base[2];
        if ((int64_t) (all_hi - all_lo) * 3 <= VNNI_WINDOW) {
            info[2] = 1;
            base[0] = base[1] = all_lo * 3;
        } else if ((int64_t) (hi[0] - lo[0]) * 3 <= VNNI_WINDOW && (int64_t) (hi[1] - lo[1]) * 3 <= VNNI_WINDOW) {
            info[2] = 2;
            base[0] = lo[0] * 3;
            base[1] = lo[1] * 3;
        } else {
            info[2] = 0;
            continue;
        }
        info[0] = base[0];
        info[1] = base[1];
        for (int32_t l = 0; l < 16; l++) {
            int32_t o = 16 * g + (l < lanes ? l : lanes - 1);   /* lanes past the row's end: weight 0 */
            int32_t s = rs->h_start[o];
            for (int32_t q = 0; q < quads; q++) {
                for (int k = 0; k < 4; k++) {
                    int32_t t = 4 * q + k;
                    int32_t w = l < lanes && t < taps ? rs->h_weights[(int64_t) o * taps + t] : 0;
                    int32_t at = (s + (t < taps ? t : taps - 1)) * 3 - base[l / 8];
                    int8_t d[3];
                    split_weight(w, d);
                    for (int c = 0; c < 3; c++) {
                        rs->vidx[(((int64_t) g * quads + q) * 3 + c) * 64 + 4 * l + k] = (uint8_t) (at + c);
                    }
                    for (int digit = 0; digit < 3; digit++) {
                        rs->vdig[((int64_t) g * quads + q) * 192 + 64 * digit + 4 * l + k] = d[digit];
                    }
                }
            }
        }
    }
}

/*
 * Level 3's vertical pass for output row y: 64 columns at a time, the rows of 4 taps interleaved by byte and word
 * unpacks (within 128-bit lanes, so that each 32-bit lane holds one column's 4 taps), added by VNNI dot products with
 * the weights' 3 digits broadcast (vvdig: per row, quad of taps and digit, 4 signed bytes), and packed back with
 * unsigned saturation, which is clip8's clamp here (the shifted sums lie in -512 .. 511) and restores the columns'
 * order lane by lane. Taps past the row's count read its first row with weight 0.
 */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void vertical_vnni(const struct dl4j_resampler *rs, int32_t y, uint8_t *out) {
    const __m512i zero = _mm512_setzero_si512();
    const int64_t len = rs->out_row;
    const int32_t count = rs->v_count[y];
    const int32_t quads = (count + 3) / 4;
    const uint8_t *base = rs->mid + (int64_t) (rs->v_start[y] - rs->v_first) * len;
    const int32_t *dig = rs->vvdig + (int64_t) y * rs->vquads * 3;
    for (int64_t j = 0; j < len; j += 64) {
        __mmask64 m = bytes_inside(len, j);
        __m512i acc[4][3];
        for (int i = 0; i < 4; i++) {
            acc[i][0] = acc[i][1] = acc[i][2] = zero;
        }
        for (int32_t q = 0; q < quads; q++) {
            __m512i r[4];
            for (int k = 0; k < 4; k++) {
                int32_t t = 4 * q + k;
                r[k] = _mm512_maskz_loadu_epi8(m, base + (t < count ? t * len : 0) + j);
            }
            __m512i x[4];   /* columns 0-3, 4-7, 8-11, 12-15 of each lane, 4 taps per column */
            interleave4(r[0], r[1], r[2], r[3], x);
            for (int digit = 0; digit < 3; digit++) {
                __m512i w = _mm512_set1_epi32(dig[3 * q + digit]);
                for (int i = 0; i < 4; i++) {
                    acc[i][digit] = _mm512_dpbusd_epi32(acc[i][digit], x[i], w);
                }
            }
        }
        __m512i v[4];
        for (int i = 0; i < 4; i++) {
            v[i] = recombine(acc[i][0], acc[i][1], acc[i][2]);
        }
        __m512i bytes = _mm512_packus_epi16(_mm512_packus_epi32(v[0], v[1]), _mm512_packus_epi32(v[2], v[3]));
        _mm512_mask_storeu_epi8(out + j, m, bytes);
    }
}

/* Whether every used vertical weight splits into digits, so that vertical_vnni can run. */
static int vertical_weights_split(const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize, int32_t out_h) {
    for (int32_t y = 0; y < out_h; y++) {
        if (!weights_split(v_weights + (int64_t) y * v_ksize, v_count[y])) {
            return 0;
        }
    }
    return 1;
}

/* vertical_vnni's digits: per output row and quad of taps, digit k of taps 4q .. 4q + 3 as one 32-bit word. */
static void prepare_vertical_vnni(struct dl4j_resampler *rs) {
    for (int32_t y = 0; y < rs->out_h; y++) {
        for (int32_t q = 0; q < rs->vquads; q++) {
            uint32_t words[3] = {0, 0, 0};
            for (int k = 0; k < 4; k++) {
                int32_t t = 4 * q + k;
                int8_t d[3];
                split_weight(t < rs->v_count[y] ? rs->v_weights[(int64_t) y * rs->v_ksize + t] : 0, d);
                for (int digit = 0; digit < 3; digit++) {
                    words[digit] |= (uint32_t) (uint8_t) d[digit] << (8 * k);
                }
            }
            for (int digit = 0; digit < 3; digit++) {
                rs->vvdig[((int64_t) y * rs->vquads + q) * 3 + digit] = (int32_t) words[digit];
            }
        }
    }
}

static int simd_level(void) {
#ifdef DL4J_SIMD_LEVEL   /* for tests of the narrower kernels on a wider machine: 0 scalar, 1 AVX2, 2 AVX-512, 3 */
    return DL4J_SIMD_LEVEL;
#endif
    static int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
        level = avx512 && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vnni") ? 3
                : avx512 ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return level;
}
#else
static int simd_level(void) {
    return 0;
}
#endif

/*
 * The SIMD level the kernels use on this processor (for Decoders.describe()): 0 scalar, 1 AVX2, 2 AVX-512, 3 AVX-512
 * with VBMI and VNNI (the horizontal pass by byte permutes and dot products, below).
 */
int dl4j_simd_level(void) {
    return simd_level();
}

/*
 * The horizontal pass over one row. safe_groups: how many leading groups of 4 outputs may use the SIMD kernels
 * (their 4-byte loads stay inside the buffer); the rest are computed one pixel at a time.
 */
static void horizontal_row(const uint8_t *in, const int32_t *start, const int32_t *w, const int32_t *wexp,
                           int32_t taps, int32_t out_w, int32_t safe_groups, uint8_t *out) {
    int32_t done = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    int level = simd_level();
    if (level >= 2) {
        done = 4 * horizontal_avx512(in, start, wexp, taps, safe_groups, out);
    } else if (level == 1) {
        done = 4 * horizontal_avx2(in, start, wexp, taps, safe_groups, out);
    }
#else
    (void) wexp;
    (void) safe_groups;
#endif
    horizontal_scalar(in, start + done, w + (int64_t) done * taps, taps, out_w - done, out + (int64_t) done * 3);
}

/* One output row of the vertical pass: taps rows of len bytes, weights w. Written so that the compiler vectorises. */
#if DL4J_CLONES
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static void vertical_row(const uint8_t *mid, int64_t stride, const int32_t *w, int32_t taps, int32_t len,
                         uint32_t *acc, uint8_t *out) {
    for (int32_t j = 0; j < len; j++) {
        acc[j] = HALF;
    }
    for (int32_t t = 0; t < taps; t++) {
        const uint8_t *r = mid + t * stride;
        uint32_t wt = (uint32_t) w[t];
        for (int32_t j = 0; j < len; j++) {
            acc[j] += r[j] * wt;
        }
    }
    for (int32_t j = 0; j < len; j++) {
        out[j] = clip8(acc[j]);
    }
}

int dl4j_resampler_init(struct dl4j_resampler *rs, int32_t in_w, int32_t in_h,
                        const int32_t *h_start, const int32_t *h_weights, int32_t h_taps, int32_t out_w,
                        const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize,
                        int32_t v_first, int32_t v_last, int32_t out_h, size_t *scratch_bytes) {
    memset(rs, 0, sizeof *rs);
    if (h_start == NULL || h_weights == NULL || v_start == NULL || v_count == NULL || v_weights == NULL
        || in_w <= 0 || in_h <= 0 || out_w <= 0 || out_h <= 0 || h_taps <= 0 || v_ksize <= 0 || v_first < 0
        || v_last > in_h || v_first >= v_last || scratch_bytes == NULL) {
        return DL4J_BAD_ARGS;
    }
    for (int32_t x = 0; x < out_w; x++) {
        if (h_start[x] < 0 || (int64_t) h_start[x] + h_taps > in_w) {
            return DL4J_BAD_ARGS;
        }
    }
    for (int32_t y = 0; y < out_h; y++) {
        if (v_count[y] < 0 || v_count[y] > v_ksize || v_start[y] < v_first
            || (int64_t) v_start[y] + v_count[y] > v_last) {
            return DL4J_BAD_ARGS;
        }
    }
    *rs = (struct dl4j_resampler) {
        .in_w = in_w, .in_h = in_h, .out_w = out_w, .out_h = out_h,
        .h_start = h_start, .h_weights = h_weights, .v_start = v_start, .v_count = v_count, .v_weights = v_weights,
        .h_taps = h_taps, .v_ksize = v_ksize, .v_first = v_first, .v_last = v_last,
        .in_row = (int64_t) in_w * 3, .out_row = (int64_t) out_w * 3, .groups = out_w / 4, .level = simd_level(),
    };
    /* groups whose 4-byte loads stay inside the row itself: the others read 1 byte past the row's last pixel */
    rs->safe_last = 0;
    while (rs->safe_last < rs->groups) {
        int32_t last_start = 0;
        for (int k = 0; k < 4; k++) {
            int32_t s = h_start[4 * rs->safe_last + k];
            last_start = s > last_start ? s : last_start;
        }
        if ((int64_t) (last_start + h_taps - 1) * 3 + 4 > rs->in_row) {
            break;
        }
        rs->safe_last++;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    rs->vnni = rs->level >= 3 && weights_split(h_weights, (int64_t) out_w * h_taps);
    rs->vnni_v = rs->level >= 3 && vertical_weights_split(v_count, v_weights, v_ksize, out_h);
#endif
    if (rs->vnni) {
        rs->quads = (h_taps + 3) / 4;
        rs->vgroups = (out_w + 15) / 16;
    }
    if (rs->vnni_v) {
        rs->vquads = (v_ksize + 3) / 4;
    }
    *scratch_bytes = (size_t) (v_last - v_first) * (size_t) rs->out_row            /* mid */
                     + (size_t) rs->vgroups * 3 * sizeof(int32_t)                  /* vgroup */
                     + (size_t) out_h * (size_t) rs->vquads * 3 * sizeof(int32_t)   /* vvdig */
                     + (size_t) rs->vgroups * (size_t) rs->quads * 64 * 6         /* vidx, vdig */
                     + (size_t) rs->out_row * sizeof(uint32_t)                    /* acc */
                     + (size_t) rs->groups * (size_t) h_taps * 16 * sizeof(int32_t) /* wexp */
                     + (size_t) rs->in_row * DL4J_RESAMPLE_STRIP                   /* cols */
                     + (size_t) rs->out_row * DL4J_RESAMPLE_STRIP                  /* outs */
                     + 64;                                                          /* alignment */
    return DL4J_OK;
}

void dl4j_resampler_start(struct dl4j_resampler *rs, void *scratch) {
    uintptr_t p = ((uintptr_t) scratch + 15) & ~(uintptr_t) 15;
    rs->acc = (uint32_t *) p;
    p += (size_t) rs->out_row * sizeof(uint32_t);
    rs->wexp = (int32_t *) p;
    p += (size_t) rs->groups * (size_t) rs->h_taps * 16 * sizeof(int32_t);
    rs->vgroup = (int32_t *) p;   /* the int32 arrays first: aligned */
    p += (size_t) rs->vgroups * 3 * sizeof(int32_t);
    rs->vvdig = (int32_t *) p;
    p += (size_t) rs->out_h * (size_t) rs->vquads * 3 * sizeof(int32_t);
    rs->vidx = (uint8_t *) p;
    p += (size_t) rs->vgroups * (size_t) rs->quads * 64 * 3;
    rs->vdig = (int8_t *) p;
    p += (size_t) rs->vgroups * (size_t) rs->quads * 64 * 3;
    rs->mid = (uint8_t *) p;
    p += (size_t) (rs->v_last - rs->v_first) * (size_t) rs->out_row;
    rs->cols = (uint8_t *) p;
    p += (size_t) rs->in_row * DL4J_RESAMPLE_STRIP;
    rs->outs = (uint8_t *) p;
#if defined(__x86_64__) && defined(__GNUC__)
    if (rs->vnni_v) {
        prepare_vertical_vnni(rs);
    }
    if (rs->vnni) {
        prepare_vnni(rs);
        return;   /* the other kernels' weights are not used */
    }
#endif
    for (int32_t g = 0; g < rs->groups; g++) {
        for (int32_t t = 0; t < rs->h_taps; t++) {
            int32_t *e = rs->wexp + ((int64_t) g * rs->h_taps + t) * 16;
            for (int k = 0; k < 4; k++) {
                int32_t wt = rs->h_weights[(int64_t) (4 * g + k) * rs->h_taps + t];
                e[4 * k] = wt;
                e[4 * k + 1] = wt;
                e[4 * k + 2] = wt;
                e[4 * k + 3] = 0;
            }
        }
    }
}

void dl4j_resampler_rows(struct dl4j_resampler *rs, int32_t first, const uint8_t *const *rows, int32_t n,
                         int over_read) {
    int32_t from = first < rs->v_first ? rs->v_first - first : 0;   /* rows[from .. to - 1] are read */
    int32_t to = first + n > rs->v_last ? rs->v_last - first : n;
    if (from >= to) {
        return;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (rs->vnni) {   /* row by row, reading no byte past a row */
        for (int32_t k = from; k < to; k++) {
            horizontal_vnni(rs, rows[k], rs->mid + (int64_t) (first + k - rs->v_first) * rs->out_row);
        }
        return;
    }
    if (rs->level >= 1 && to - from == DL4J_RESAMPLE_STRIP) {   /* the 16 rows at once, on transposed strips */
        strip_columns(rows + from, (int32_t) rs->in_row, rs->cols);
        if (rs->level >= 2) {
            strip_filter_avx512(rs->cols, rs->h_start, rs->h_weights, rs->h_taps, rs->out_w, rs->outs);
        } else {
            strip_filter_avx2(rs->cols, rs->h_start, rs->h_weights, rs->h_taps, rs->out_w, rs->outs);
        }
        strip_rows(rs->outs, (int32_t) rs->out_row, rs->mid + (int64_t) (first + from - rs->v_first) * rs->out_row,
                   rs->out_row);
        return;
    }
#endif
    for (int32_t k = from; k < to; k++) {
        horizontal_row(rows[k], rs->h_start, rs->h_weights, rs->wexp, rs->h_taps, rs->out_w,
                       over_read ? rs->groups : rs->safe_last,
                       rs->mid + (int64_t) (first + k - rs->v_first) * rs->out_row);
    }
}

void dl4j_resampler_finish(struct dl4j_resampler *rs, uint8_t *dst) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (rs->vnni_v) {
        for (int32_t y = 0; y < rs->out_h; y++) {
            vertical_vnni(rs, y, dst + y * rs->out_row);
        }
        return;
    }
#endif
    for (int32_t y = 0; y < rs->out_h; y++) {
        vertical_row(rs->mid + (int64_t) (rs->v_start[y] - rs->v_first) * rs->out_row, rs->out_row,
                     rs->v_weights + (int64_t) y * rs->v_ksize, rs->v_count[y], (int32_t) rs->out_row, rs->acc,
                     dst + y * rs->out_row);
    }
}

/*
 * Resamples the in_w x in_h RGB image src (src_bytes readable, rows of in_w * 3 bytes) to out_w x out_h into dst.
 * Horizontal table: h_start[out_w], h_weights[out_w * h_taps] (padded: each output reads h_taps pixels from its
 * start). Vertical table: v_start[out_h], v_count[out_h], v_weights[out_h * v_ksize]; rows v_first .. v_last - 1 of
 * the input are the only ones read. Returns DL4J_OK, DL4J_BAD_ARGS when a table reads outside the image or a buffer
 * is too small, DL4J_NO_MEMORY when the intermediate rows cannot be allocated.
 */
int dl4j_resample_rgb(const uint8_t *src, int64_t src_bytes, int32_t in_w, int32_t in_h,
                      const int32_t *h_start, const int32_t *h_weights, int32_t h_taps, int32_t out_w,
                      const int32_t *v_start, const int32_t *v_count, const int32_t *v_weights, int32_t v_ksize,
                      int32_t v_first, int32_t v_last, int32_t out_h, uint8_t *dst, int64_t dst_bytes) {
    struct dl4j_resampler rs;
    size_t scratch_bytes;
    if (src == NULL || dst == NULL
        || dl4j_resampler_init(&rs, in_w, in_h, h_start, h_weights, h_taps, out_w, v_start, v_count, v_weights,
                               v_ksize, v_first, v_last, out_h, &scratch_bytes) != DL4J_OK
        || src_bytes < (int64_t) in_w * in_h * 3 || dst_bytes < (int64_t) out_w * out_h * 3) {
        return DL4J_BAD_ARGS;
    }
    void *scratch = malloc(scratch_bytes);
    if (scratch == NULL) {
        return DL4J_NO_MEMORY;
    }
    dl4j_resampler_start(&rs, scratch);
    const uint8_t *rows[DL4J_RESAMPLE_STRIP];
    for (int32_t row = v_first; row < v_last; row += DL4J_RESAMPLE_STRIP) {
        int32_t n = v_last - row < DL4J_RESAMPLE_STRIP ? v_last - row : DL4J_RESAMPLE_STRIP;
        for (int32_t k = 0; k < n; k++) {
            rows[k] = src + (int64_t) (row + k) * rs.in_row;
        }
        /* a row's over-read lands in the next row, except on the image's last row (a whole strip of 16 rows on
           the SIMD path reads no byte past its rows) */
        int over_read = row + n < in_h;
        if (over_read || n == 1 || (n == DL4J_RESAMPLE_STRIP && rs.level >= 1)) {
            dl4j_resampler_rows(&rs, row, rows, n, over_read);
        } else {
            if (n > 1) {
                dl4j_resampler_rows(&rs, row, rows, n - 1, 1);
            }
            dl4j_resampler_rows(&rs, row + n - 1, rows + n - 1, 1, 0);
        }
    }
    dl4j_resampler_finish(&rs, dst);
    free(scratch);
    return DL4J_OK;
}

/*
 * ToTensor + Normalize: the h x w image src (c channels interleaved, 1..4) to c float planes in dst:
 * ((byte / 255f) - mean[k]) / std[k], in float32 with exactly these operations (IEEE division, no contraction), so
 * the values are those of the Java code; mirror != 0 reads each row right to left; streaming != 0 lets whole cache
 * lines of dst be written past the caches (a loader's batch, read later), with the same values. Returns DL4J_OK, or
 * DL4J_BAD_ARGS when a size is wrong or a buffer too small.
 */
#if DL4J_CLONES
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static void normalize_plane(const uint8_t *in, int32_t n, float mean, float std, float *out) {
    for (int32_t i = 0; i < n; i++) {
        float v = (float) in[i] / 255.0f;
        out[i] = (v - mean) / std;
    }
}

/* One RGB row split into three byte rows, left to right or mirrored. Written so that the compiler vectorises. */
#if DL4J_CLONES
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static void split_rgb(const uint8_t *restrict row, int32_t w, int32_t mirror, uint8_t *restrict r,
                      uint8_t *restrict g, uint8_t *restrict b, uint8_t *restrict tmp) {
    uint8_t *tr = mirror ? tmp : r;
    uint8_t *tg = mirror ? tmp + w : g;
    uint8_t *tb = mirror ? tmp + 2 * (int64_t) w : b;
    for (int32_t x = 0; x < w; x++) {
        tr[x] = row[3 * x];
        tg[x] = row[3 * x + 1];
        tb[x] = row[3 * x + 2];
    }
    if (mirror) {   /* reversing a plane vectorises; reading the row backwards three bytes at a time does not */
        for (int32_t x = 0; x < w; x++) {
            r[x] = tr[w - 1 - x];
            g[x] = tg[w - 1 - x];
            b[x] = tb[w - 1 - x];
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * Level 3's ToTensor + Normalize of RGB rows: every output float is one of 256 values per channel, so it is looked up
 * in a table made by normalize_plane itself (the same floats). A table is held as 4 byte planes of 256 bytes (byte p
 * of each float); VBMI's two-register byte permute looks up 128 entries, and the index's top bit picks one of two.
 * Per row and channel, per block of 64 pixels: the channel's bytes gathered from the 192 RGB bytes (mirrored or
 * not) by permutes, its 4 byte planes looked up, and the planes interleaved into 64 floats (byte and word unpacks
 * within 128-bit lanes, then a 4 x 4 transpose of the lanes).
 */
struct planes_lut {
    uint8_t bytes[3][4][256];   /* channel, byte of the float, entry */
};

/* The indexes that gather channel c of n pixels (n <= 64) from a block's 192 bytes, output i reading pixel i, or
   pixel n - 1 - i when mirrored: idx for bytes 0..127, idx - 64 for bytes 64..191, and which outputs take those. */
struct gather_rgb {
    uint8_t lo[3][64], hi[3][64];
    uint64_t high[3];
};

static void gather_indexes(struct gather_rgb *g, int32_t n, int32_t mirror) {
    for (int c = 0; c < 3; c++) {
        g->high[c] = 0;
        for (int32_t i = 0; i < 64; i++) {
            int32_t pixel = i < n ? (mirror ? n - 1 - i : i) : 0;
            int32_t at = 3 * pixel + c;
            g->lo[c][i] = (uint8_t) (at & 127);
            g->hi[c][i] = (uint8_t) ((at >= 64 ? at - 64 : 0) & 127);
            if (at >= 128) {
                g->high[c] |= (uint64_t) 1 << i;
            }
        }
    }
}

/* The 256-entry byte table t[0..3] (entries 0-63, 64-127, 128-191, 192-255) at the indexes idx. */
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline))
static inline __m512i lookup256(const __m512i t[4], __m512i idx) {
    __m512i lo = _mm512_permutex2var_epi8(t[0], idx, t[1]);
    __m512i hi = _mm512_permutex2var_epi8(t[2], idx, t[3]);
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lo, hi);
}

/*
 * Channel c of one row's pixels to its plane: blocks of 64 pixels (the last one shorter), each gathered from its 192
 * RGB bytes, looked up in the channel's 4 byte tables (held in registers for the whole row) and interleaved into
 * floats. out: the row's start in the channel's plane.
 */
__attribute__((target("avx512f,avx512bw,avx512vbmi")))
static void plane_row(const uint8_t *row, int32_t w, int32_t mirror, int32_t streaming, int c,
                      const struct gather_rgb *full, const struct gather_rgb *tail, const struct planes_lut *lut,
                      float *out) {
    __m512i t[4][4];
    for (int p = 0; p < 4; p++) {
        for (int q = 0; q < 4; q++) {
            t[p][q] = _mm512_loadu_si512((const void *) (lut->bytes[c][p] + 64 * q));
        }
    }
    for (int32_t x = 0; x < w; x += 64) {
        int32_t n = w - x < 64 ? w - x : 64;
        const struct gather_rgb *g = n == 64 ? full : tail;
        const uint8_t *rgb = row + (int64_t) (mirror ? w - x - n : x) * 3;   /* the block's first pixel */
        int64_t bytes = 3 * (int64_t) n;
        __m512i z0 = load_inside(rgb, bytes, 0), z1 = load_inside(rgb, bytes, 64), z2 = load_inside(rgb, bytes, 128);
        __m512i ch = _mm512_mask_blend_epi8(g->high[c],
                _mm512_permutex2var_epi8(z0, _mm512_loadu_si512((const void *) g->lo[c]), z1),
                _mm512_permutex2var_epi8(z1, _mm512_loadu_si512((const void *) g->hi[c]), z2));
        __m512i p0 = lookup256(t[0], ch), p1 = lookup256(t[1], ch);
        __m512i p2 = lookup256(t[2], ch), p3 = lookup256(t[3], ch);
        __m512i fl[4];   /* floats 0-3, 4-7, 8-11, 12-15 of each lane */
        interleave4(p0, p1, p2, p3, fl);
        __m512i t0 = _mm512_shuffle_i32x4(fl[0], fl[1], _MM_SHUFFLE(1, 0, 1, 0));
        __m512i t1 = _mm512_shuffle_i32x4(fl[2], fl[3], _MM_SHUFFLE(1, 0, 1, 0));
        __m512i t2 = _mm512_shuffle_i32x4(fl[0], fl[1], _MM_SHUFFLE(3, 2, 3, 2));
        __m512i t3 = _mm512_shuffle_i32x4(fl[2], fl[3], _MM_SHUFFLE(3, 2, 3, 2));
        __m512i f4[4] = {_mm512_shuffle_i32x4(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_i32x4(t0, t1, _MM_SHUFFLE(3, 1, 3, 1)),
                         _mm512_shuffle_i32x4(t2, t3, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_i32x4(t2, t3, _MM_SHUFFLE(3, 1, 3, 1))};
        for (int k = 0; k < 4 && 16 * k < n; k++) {
            int32_t left = n - 16 * k;
            float *at = out + x + 16 * k;
            if (streaming && left >= 16 && ((uintptr_t) at & 63) == 0) {   /* a whole cache line, past the caches */
                _mm512_stream_si512((void *) at, f4[k]);
            } else {
                _mm512_mask_storeu_epi32(at, left >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << left) - 1), f4[k]);
            }
        }
    }
}

/* dl4j_to_planes for c == 3 at level 3. */
static void rgb_planes_vbmi(const uint8_t *src, int32_t w, int32_t h, const float *mean, const float *std,
                            int32_t mirror, int32_t streaming, float *dst, struct planes_lut *lut,
                            struct gather_rgb *full, struct gather_rgb *tail) {
    uint8_t entries[256];
    float values[256];
    for (int i = 0; i < 256; i++) {
        entries[i] = (uint8_t) i;
    }
    for (int c = 0; c < 3; c++) {
        normalize_plane(entries, 256, mean[c], std[c], values);
        for (int i = 0; i < 256; i++) {
            uint8_t b[4];
            memcpy(b, &values[i], 4);
            for (int p = 0; p < 4; p++) {
                lut->bytes[c][p][i] = b[p];
            }
        }
    }
    int32_t last = w % 64;
    gather_indexes(full, 64, mirror);
    gather_indexes(tail, last, mirror);
    int64_t plane = (int64_t) w * h;
    for (int32_t y = 0; y < h; y++) {
        for (int c = 0; c < 3; c++) {
            plane_row(src + (int64_t) y * w * 3, w, mirror, streaming, c, full, tail, lut,
                      dst + c * plane + (int64_t) y * w);
        }
    }
}
#endif

int dl4j_to_planes(const uint8_t *src, int64_t src_bytes, int32_t w, int32_t h, int32_t c, const float *mean,
                   const float *std, int32_t mirror, int32_t streaming, float *dst, int64_t dst_bytes) {
    if (src == NULL || dst == NULL || mean == NULL || std == NULL || w <= 0 || h <= 0 || c < 1 || c > 4
        || src_bytes < (int64_t) w * h * c || dst_bytes < (int64_t) w * h * c * (int64_t) sizeof(float)) {
        return DL4J_BAD_ARGS;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (c == 3 && simd_level() >= 3) {
        struct planes_lut *lut = malloc(sizeof(struct planes_lut) + 2 * sizeof(struct gather_rgb));
        if (lut == NULL) {
            return DL4J_NO_MEMORY;
        }
        struct gather_rgb *gather = (struct gather_rgb *) (lut + 1);
        rgb_planes_vbmi(src, w, h, mean, std, mirror, streaming, dst, lut, gather, gather + 1);
        if (streaming) {
            _mm_sfence();   /* the streaming stores visible before whatever hands the batch on */
        }
        free(lut);
        return DL4J_OK;
    }
#endif
    uint8_t *planes = malloc((size_t) w * (size_t) (2 * c));   /* c planes, and c more for split_rgb's mirror */
    if (planes == NULL) {
        return DL4J_NO_MEMORY;
    }
    int64_t plane = (int64_t) w * h;
    for (int32_t y = 0; y < h; y++) {
        const uint8_t *row = src + (int64_t) y * w * c;
        if (c == 3) {
            split_rgb(row, w, mirror, planes, planes + w, planes + 2 * (int64_t) w, planes + 3 * (int64_t) w);
        } else {
            for (int32_t x = 0; x < w; x++) {
                const uint8_t *p = row + (int64_t) (mirror ? w - 1 - x : x) * c;
                for (int32_t k = 0; k < c; k++) {
                    planes[(int64_t) k * w + x] = p[k];
                }
            }
        }
        for (int32_t k = 0; k < c; k++) {
            normalize_plane(planes + (int64_t) k * w, w, mean[k], std[k], dst + k * plane + (int64_t) y * w);
        }
    }
    free(planes);
    return DL4J_OK;
}
