/*
 * dl4j_jpeg.c - JPEG decoding for dataloader4j's vision module through libjpeg's own API (libjpeg-turbo).
 *
 * Called from Java through java.lang.foreign (org.dataloader4j.vision.NativeJpeg). Two entry points, both
 * self-contained (each parses the stream from its start, nothing is kept between calls):
 *
 *   dl4j_jpeg_header  reads the header: width, height, components, colour space, progressive flag;
 *   dl4j_jpeg_decode  decodes the whole image, or a region of it, at a DCT scale of n/8, straight into a
 *                     buffer the caller allocated: gray images as 1 byte per pixel, YCbCr and RGB as RGB;
 *   dl4j_jpeg_decode_resampled  decodes a region of a colour image and resamples it (dl4j_pixels.c's two passes)
 *                     in one go: each group of 16 rows goes through the horizontal pass as it comes out of libjpeg,
 *                     so the region is never written whole (its copy out of libjpeg's rows and the resample's reads
 *                     of it were 12-15 % of a loading thread).
 *
 * libjpeg reports fatal errors by calling error_exit, which must not return: it longjmps back to the entry point
 * here, which frees libjpeg's memory and returns an error code with libjpeg's message copied into the caller's
 * buffer. Nothing is printed, nothing exits the process. Sizes are validated before anything is written: the
 * region must lie inside the scaled image and the output buffer must hold it.
 *
 * Damaged data is judged as PIL 9.4 (torchvision's loader, over the same libjpeg) judges it with its default
 * LOAD_TRUNCATED_IMAGES = False. PIL feeds libjpeg through a suspending source: when the data runs out before the
 * last row is out, PIL raises "image file is truncated"; when it runs out later, while jpeg_finish_decompress reads
 * the markers after the scan, PIL keeps the image. Here the data lies in memory: the source's fill_input_buffer
 * notes where the data ran out and hands libjpeg a fake EOI marker so that it winds down. Running out before the
 * last row is DL4J_TRUNCATED. Corrupt-data warnings (the entropy-coded data ends at a marker before the image is
 * complete: "premature end of data segment"; extraneous bytes before a marker; a bad Huffman code; data running
 * out after the last row ...) leave libjpeg's repair in the pixels, as PIL keeps it: the image is returned with
 * DL4J_WARNED and the first such warning in the message buffer, and the caller decides (it refuses the file in
 * its strict mode). Other warnings (an unknown JFIF revision ...) are ignored, as PIL ignores them.
 *
 * Region decoding uses jpeg_crop_scanline (columns, aligned by libjpeg to iMCU boundaries) and
 * jpeg_skip_scanlines (rows above the region). Rows below the region are then skipped too, which for a single-scan
 * file entropy-decodes them without inverse DCT, upsampling or colour conversion, and jpeg_finish_decompress reads
 * the markers after the scan: every byte a whole decode reads is read, so a file fails, or warns, the same way
 * whichever region is asked for. (Multi-scan files are read whole by jpeg_start_decompress.) A caller that has
 * seen the same file decode cleanly may pass DL4J_STOP_AT_REGION to leave the rows below the region unread.
 *
 * The pixels of a region are those of the full decode. Columns: libjpeg upsamples chroma at the edge of cropped
 * columns as at the image's edge (fancy upsampling reads the neighbouring chroma sample, which the crop lacks), so
 * the columns are widened by MARGIN_X pixels on each side, before libjpeg moves the left edge down to an iMCU
 * boundary. Rows need no margin: jpeg_skip_scanlines decodes the context rows that upsampling reads itself.
 * Measured on 2026-12-07 (regions against whole decodes of 300 bench photographs and of cjpeg-made files in every
 * subsampling, progressive and with restart markers, every DCT scale and every offset modulo 16): 1 column of margin
 * missed 2 regions in 35,674, 2 columns none, and no row margin none. (4:1:0 files decoded at 2/8 .. 7/8 differ with
 * any margin, as they did with 16 on every side.) src/test/c/region_check.c keeps checking it.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "dl4j_resample.h"

#define DL4J_OK 0
#define DL4J_ERROR (-1)        /* libjpeg's fatal error: corrupt data, not a JPEG, out of memory ... */
#define DL4J_TRUNCATED (-2)    /* decoded, but data was missing (premature end) */
#define DL4J_BAD_ARGS (-3)     /* scale or region out of range */
#define DL4J_SMALL_BUFFER (-4) /* the output buffer cannot hold the result */
#define DL4J_UNSUPPORTED (-5)  /* a colour space this path does not convert (CMYK, YCCK, ...) */
#define DL4J_WARNED 1          /* decoded, with libjpeg's repair of corrupt data (the pixels are PIL's) */

#define MARGIN_X 4   /* columns decoded on each side of a region: 2 are enough, see the header comment */

/* dl4j_jpeg_decode's flags */
#define DL4J_STOP_AT_REGION 1  /* the caller knows the file decodes cleanly: stop after the region's last row */

struct dl4j_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *msg;
    int msg_len;
    int truncated;         /* the data ran out before the last row was out */
    int finishing;         /* jpeg_finish_decompress is running: running out of data now is only a warning */
    int warned;            /* a corrupt-data warning was raised; warning holds the first */
    char warning[JMSG_LENGTH_MAX];
};

static const JOCTET fake_eoi[2] = {0xFF, (JOCTET) JPEG_EOI};

static void put_message(char *dst, int len, const char *src) {
    if (dst != NULL && len > 0) {
        size_t n = strlen(src);
        if (n > (size_t) (len - 1)) {
            n = (size_t) (len - 1);
        }
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
}

static void on_fatal(j_common_ptr cinfo) {
    struct dl4j_error *err = (struct dl4j_error *) cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    put_message(err->msg, err->msg_len, text);
    longjmp(err->jump, 1);
}

/* libjpeg's warnings that mean the entropy-coded data or the markers around it are damaged. */
static int is_corrupt_data_warning(int code) {
    switch (code) {
        case JWRN_HIT_MARKER:
        case JWRN_JPEG_EOF:
        case JWRN_EXTRANEOUS_DATA:
        case JWRN_MUST_RESYNC:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_ARITH_BAD_CODE:
        case JWRN_NOT_SEQUENTIAL:
        case JWRN_BOGUS_PROGRESSION:
            return 1;
        default:
            return 0;
    }
}

static void on_message(j_common_ptr cinfo, int level) {
    struct dl4j_error *err = (struct dl4j_error *) cinfo->err;
    if (level < 0) {   /* a warning; level >= 0 are trace messages */
        if (is_corrupt_data_warning(cinfo->err->msg_code) && !err->warned) {
            err->warned = 1;
            (*cinfo->err->format_message)(cinfo, err->warning);
        }
        cinfo->err->num_warnings++;
    }
}

/*
 * The source's fill_input_buffer, called when libjpeg wants data past the end: notes whether the last row was out
 * (see the header comment), warns JWRN_JPEG_EOF and supplies an EOI marker, as many times as libjpeg asks.
 */
static boolean fill_at_end(j_decompress_ptr cinfo) {
    struct dl4j_error *err = (struct dl4j_error *) cinfo->err;
    if (!err->finishing) {
        err->truncated = 1;
    }
    WARNMS(cinfo, JWRN_JPEG_EOF);
    cinfo->src->next_input_byte = fake_eoi;
    cinfo->src->bytes_in_buffer = 2;
    return TRUE;
}

/* The whole file as libjpeg's input, with fill_at_end behind its last byte. */
static void memory_source(struct jpeg_decompress_struct *cinfo, const unsigned char *data, int64_t size) {
    jpeg_mem_src(cinfo, data, (unsigned long) size);
    cinfo->src->fill_input_buffer = fill_at_end;
}

/*
 * True when libjpeg may smooth blocks: a progressive image some of whose coefficients never arrived (the data ended
 * early, or the file has fewer scans). Smoothing reads the neighbouring blocks, and at the edge of a cropped strip
 * libjpeg treats the strip's edge as the image's, so the columns are not cropped then.
 */
static int may_smooth(j_decompress_ptr cinfo) {
    int ci, k;
    if (!cinfo->progressive_mode || !cinfo->do_block_smoothing || cinfo->coef_bits == NULL) {
        return 0;
    }
    for (ci = 0; ci < cinfo->num_components; ci++) {
        for (k = 0; k < DCTSIZE2; k++) {
            if (cinfo->coef_bits[ci][k] != 0) {   /* -1: never sent; > 0: low bits still missing */
                return 1;
            }
        }
    }
    return 0;
}

static void no_output(j_common_ptr cinfo) {
    (void) cinfo;
}

static void init_error(struct jpeg_decompress_struct *cinfo, struct dl4j_error *err, char *msg, int msg_len) {
    memset(err, 0, sizeof *err);
    cinfo->err = jpeg_std_error(&err->pub);
    err->pub.error_exit = on_fatal;
    err->pub.emit_message = on_message;
    err->pub.output_message = no_output;
    err->msg = msg;
    err->msg_len = msg_len;
    put_message(msg, msg_len, "");
}

/*
 * info receives 5 ints: width, height, number of components, libjpeg's J_COLOR_SPACE of the file, 1 if the file is
 * progressive. Returns DL4J_OK or DL4J_ERROR.
 */
int dl4j_jpeg_header(const unsigned char *data, int64_t size, int32_t *info, char *msg, int32_t msg_len) {
    struct jpeg_decompress_struct cinfo;
    struct dl4j_error err;
    if (data == NULL || size <= 0 || info == NULL) {
        put_message(msg, msg_len, "no data");
        return DL4J_BAD_ARGS;
    }
    memset(&cinfo, 0, sizeof cinfo);
    init_error(&cinfo, &err, msg, msg_len);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return DL4J_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    memory_source(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    info[0] = (int32_t) cinfo.image_width;
    info[1] = (int32_t) cinfo.image_height;
    info[2] = cinfo.num_components;
    info[3] = (int32_t) cinfo.jpeg_color_space;
    info[4] = jpeg_has_multiple_scans(&cinfo) ? 1 : 0;
    jpeg_destroy_decompress(&cinfo);
    return DL4J_OK;
}

/* What dl4j_jpeg_decode was asked for; the work is done in decode_body, below the setjmp of its caller. */
struct request {
    int32_t scale_num;
    int32_t flags;
    int32_t x, y, w, h;
    unsigned char *out;
    int64_t out_size;
    int32_t *out_info;
    char *msg;
    int32_t msg_len;
    /* dl4j_jpeg_decode_resampled: the resample of the region (tables as dl4j_resample_rgb takes them; dims holds
       h_taps, out_w, v_ksize, v_first, v_last, out_h), written to out instead of the region; dims NULL otherwise */
    const int32_t *h_start, *h_weights, *v_start, *v_count, *v_weights, *dims;
};

/* Reads the next n rows (n <= 16) into rows; libjpeg may hand them out a few at a time. */
static int read_rows(struct jpeg_decompress_struct *cinfo, JSAMPARRAY rows, JDIMENSION n) {
    JDIMENSION got = 0;
    while (got < n) {
        JDIMENSION k = jpeg_read_scanlines(cinfo, rows + got, n - got);
        if (k == 0) {
            return 0;
        }
        got += k;
    }
    return 1;
}

static int decode_body(struct jpeg_decompress_struct *cinfo, struct dl4j_error *err, struct request rq) {
    JSAMPARRAY row;
    struct dl4j_resampler rs;
    size_t scratch_bytes = 0;
    const int resampled = rq.dims != NULL;
    JDIMENSION full_w, full_h, crop_x, crop_w, first_row, end_row;
    int comps;
    int64_t need;
    int32_t x = rq.x, y = rq.y, w = rq.w, h = rq.h;

    jpeg_read_header(cinfo, TRUE);
    switch (cinfo->jpeg_color_space) {
        case JCS_GRAYSCALE:
            cinfo->out_color_space = JCS_GRAYSCALE;
            comps = 1;
            break;
        case JCS_YCbCr:
        case JCS_RGB:
            cinfo->out_color_space = JCS_RGB;
            comps = 3;
            break;
        default:
            put_message(rq.msg, rq.msg_len, "colour space not handled by the native path");
            return DL4J_UNSUPPORTED;
    }
    cinfo->scale_num = (unsigned int) rq.scale_num;
    cinfo->scale_denom = 8;
    jpeg_calc_output_dimensions(cinfo);
    full_w = cinfo->output_width;
    full_h = cinfo->output_height;
    if (w <= 0 || h <= 0) {
        x = 0;
        y = 0;
        w = (int32_t) full_w;
        h = (int32_t) full_h;
    }
    rq.out_info[0] = (int32_t) full_w;
    rq.out_info[1] = (int32_t) full_h;
    rq.out_info[2] = w;
    rq.out_info[3] = h;
    rq.out_info[4] = comps;
    if (x < 0 || y < 0 || (int64_t) x + w > (int64_t) full_w || (int64_t) y + h > (int64_t) full_h) {
        put_message(rq.msg, rq.msg_len, "region outside the image");
        return DL4J_BAD_ARGS;
    }
    if (resampled) {
        if (comps != 3) {
            put_message(rq.msg, rq.msg_len, "the resampled decode takes colour images only");
            return DL4J_BAD_ARGS;
        }
        if (dl4j_resampler_init(&rs, w, h, rq.h_start, rq.h_weights, rq.dims[0], rq.dims[1], rq.v_start, rq.v_count,
                                rq.v_weights, rq.dims[2], rq.dims[3], rq.dims[4], rq.dims[5], &scratch_bytes)
            != DL4J_OK) {
            put_message(rq.msg, rq.msg_len, "resample tables read outside the region");
            return DL4J_BAD_ARGS;
        }
        need = (int64_t) rq.dims[1] * rq.dims[5] * 3;
    } else {
        need = (int64_t) w * h * comps;
    }
    if (rq.out == NULL || rq.out_size < need) {
        put_message(rq.msg, rq.msg_len, "output buffer too small");
        return DL4J_SMALL_BUFFER;
    }

    jpeg_start_decompress(cinfo);
    if (cinfo->output_width != full_w || cinfo->output_height != full_h || cinfo->output_components != comps) {
        put_message(rq.msg, rq.msg_len, "libjpeg changed the output size after start");
        return DL4J_ERROR;
    }
    crop_x = 0;
    crop_w = full_w;
    if ((x > 0 || (JDIMENSION) w < full_w) && !may_smooth(cinfo)) {
        JDIMENSION left = (JDIMENSION) x > MARGIN_X ? (JDIMENSION) x - MARGIN_X : 0;
        JDIMENSION right = (JDIMENSION) x + (JDIMENSION) w + MARGIN_X;
        if (right > full_w) {
            right = full_w;
        }
        crop_x = left;
        crop_w = right - left;
        if (crop_x > 0 || crop_w < full_w) {
            jpeg_crop_scanline(cinfo, &crop_x, &crop_w);   /* moves crop_x down to an iMCU edge, widens crop_w */
        }
        if (crop_x > (JDIMENSION) x || crop_x + cinfo->output_width < (JDIMENSION) x + (JDIMENSION) w) {
            put_message(rq.msg, rq.msg_len, "libjpeg's cropped columns do not cover the region");
            return DL4J_ERROR;
        }
    }
    /* rows of 16 bytes more than libjpeg writes: the resample's 4-byte loads may read 1 byte past a row's end */
    row = (*cinfo->mem->alloc_sarray)((j_common_ptr) cinfo, JPOOL_IMAGE,
                                      cinfo->output_width * (JDIMENSION) comps + 16,
                                      resampled ? DL4J_RESAMPLE_STRIP : 1);
    if (resampled) {   /* libjpeg's image pool: freed by jpeg_destroy_decompress on every path, a longjmp included */
        dl4j_resampler_start(&rs, (*cinfo->mem->alloc_large)((j_common_ptr) cinfo, JPOOL_IMAGE, scratch_bytes));
    }
    first_row = (JDIMENSION) y;
    end_row = (JDIMENSION) y + (JDIMENSION) h;
    if (first_row > 0 && jpeg_skip_scanlines(cinfo, first_row) != first_row) {
        put_message(rq.msg, rq.msg_len, "could not skip to the region's first row");
        return DL4J_ERROR;
    }
    while (resampled && cinfo->output_scanline < end_row) {
        /* the region's rows go through the horizontal pass 16 at a time as they come out of libjpeg, so the
           region is never written whole */
        JDIMENSION line = cinfo->output_scanline;
        JDIMENSION n = end_row - line < DL4J_RESAMPLE_STRIP ? end_row - line : DL4J_RESAMPLE_STRIP;
        const uint8_t *rows[DL4J_RESAMPLE_STRIP];
        if (!read_rows(cinfo, row, n)) {
            put_message(rq.msg, rq.msg_len, "libjpeg returned no row");
            return DL4J_ERROR;
        }
        for (JDIMENSION k = 0; k < n; k++) {
            rows[k] = row[k] + (size_t) ((JDIMENSION) x - crop_x) * 3;
        }
        dl4j_resampler_rows(&rs, (int32_t) (line - (JDIMENSION) y), rows, (int32_t) n, 1);
    }
    while (cinfo->output_scanline < end_row) {
        JDIMENSION line = cinfo->output_scanline;
        if (jpeg_read_scanlines(cinfo, row, 1) != 1) {
            put_message(rq.msg, rq.msg_len, "libjpeg returned no row");
            return DL4J_ERROR;
        }
        memcpy(rq.out + (int64_t) (line - (JDIMENSION) y) * w * comps,
               row[0] + (size_t) ((JDIMENSION) x - crop_x) * (size_t) comps, (size_t) w * (size_t) comps);
    }
    if (cinfo->output_scanline < cinfo->output_height && (rq.flags & DL4J_STOP_AT_REGION)) {
        /* the caller validated the whole file before (a clean decode of the same path, size and time) */
        if (resampled && !err->truncated) {
            dl4j_resampler_finish(&rs, rq.out);   /* before the abort, which frees the image pool */
        }
        jpeg_abort_decompress(cinfo);
        if (err->truncated) {
            put_message(rq.msg, rq.msg_len, "Premature end of JPEG file: the data ends before the last row");
            return DL4J_TRUNCATED;
        }
        if (err->warned) {
            put_message(rq.msg, rq.msg_len, err->warning);
            return DL4J_WARNED;
        }
        return DL4J_OK;
    }
    if (cinfo->output_scanline < cinfo->output_height) {
        /* Below the region: entropy-decode the rest (no IDCT, no colour conversion) so that damage there is found
           as a whole decode finds it. Skipping to the very end would decode nothing (libjpeg just marks the image
           done), so the last row is read. */
        JDIMENSION left = cinfo->output_height - cinfo->output_scanline;
        if (left > 1 && jpeg_skip_scanlines(cinfo, left - 1) != left - 1) {
            put_message(rq.msg, rq.msg_len, "could not skip to the last row");
            return DL4J_ERROR;
        }
        if (jpeg_read_scanlines(cinfo, row, 1) != 1) {
            put_message(rq.msg, rq.msg_len, "libjpeg returned no row");
            return DL4J_ERROR;
        }
    }
    if (err->truncated) {
        put_message(rq.msg, rq.msg_len, "Premature end of JPEG file: the data ends before the last row");
        return DL4J_TRUNCATED;
    }
    if (resampled) {
        /* before jpeg_finish_decompress, which frees the image pool; a fatal error there makes out unspecified */
        dl4j_resampler_finish(&rs, rq.out);
    }
    err->finishing = 1;
    jpeg_finish_decompress(cinfo);   /* reads the markers after the scan, up to EOI: a bad one is a fatal error */
    if (err->warned) {
        put_message(rq.msg, rq.msg_len, err->warning);
        return DL4J_WARNED;
    }
    return DL4J_OK;
}

/* Runs decode_body for rq below a setjmp; the checks common to both entry points first. */
static int decode(const unsigned char *data, int64_t size, struct request rq) {
    struct jpeg_decompress_struct cinfo;
    struct dl4j_error err;
    int rc;

    if (data == NULL || size <= 0 || rq.out_info == NULL) {
        put_message(rq.msg, rq.msg_len, "no data");
        return DL4J_BAD_ARGS;
    }
    memset(rq.out_info, 0, 5 * sizeof(int32_t));
    if (rq.scale_num < 1 || rq.scale_num > 8) {
        put_message(rq.msg, rq.msg_len, "scale must be 1/8 .. 8/8");
        return DL4J_BAD_ARGS;
    }
    memset(&cinfo, 0, sizeof cinfo);
    init_error(&cinfo, &err, rq.msg, rq.msg_len);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return DL4J_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    memory_source(&cinfo, data, size);
    rc = decode_body(&cinfo, &err, rq);
    jpeg_destroy_decompress(&cinfo);
    return rc;
}

/* The request of dl4j_jpeg_decode's arguments, without resample tables. */
static struct request plain_request(int32_t scale_num, int32_t x, int32_t y, int32_t w, int32_t h, int32_t flags,
                                    unsigned char *out, int64_t out_size, int32_t *out_info, char *msg,
                                    int32_t msg_len) {
    return (struct request) {
        .scale_num = scale_num, .flags = flags, .x = x, .y = y, .w = w, .h = h,
        .out = out, .out_size = out_size, .out_info = out_info, .msg = msg, .msg_len = msg_len,
    };
}

/*
 * Decodes at scale scale_num/8 (1..8). The region (x, y, w, h) is in scaled pixels; w <= 0 or h <= 0 means the
 * whole image. out receives h rows of w pixels, 1 byte per pixel for gray files, 3 (RGB) otherwise; out_size is its
 * capacity in bytes. out_info receives 5 ints: scaled width and height of the whole image, the region's width and
 * height, and the components per pixel written. On DL4J_SMALL_BUFFER or DL4J_BAD_ARGS out_info is filled (as far as
 * known) so that the caller can say why. flags is 0, or DL4J_STOP_AT_REGION when the caller has seen the file
 * decode cleanly (DL4J_OK) before and wants the rows below the region left unread.
 */
int dl4j_jpeg_decode(const unsigned char *data, int64_t size, int32_t scale_num,
                     int32_t x, int32_t y, int32_t w, int32_t h, int32_t flags,
                     unsigned char *out, int64_t out_size, int32_t *out_info, char *msg, int32_t msg_len) {
    return decode(data, size, plain_request(scale_num, x, y, w, h, flags, out, out_size, out_info, msg, msg_len));
}

/*
 * As dl4j_jpeg_decode for a colour image (RGB or YCbCr, decoded to RGB), then resampled: the region (x, y, w, h)
 * goes through dl4j_resample_rgb's two passes with the tables given (h_start, h_weights; v_start, v_count,
 * v_weights; dims = h_taps, out_w, v_ksize, v_first, v_last, out_h, all relative to the region), and out receives
 * out_w x out_h RGB pixels: the same bytes as the region decoded, then resampled. The region's rows go through the
 * horizontal pass 16 at a time as libjpeg hands them out, so the region is never written whole. The verdict on
 * damaged data is dl4j_jpeg_decode's for the same region and flags; out holds the result for DL4J_OK and
 * DL4J_WARNED (with other codes it may have been written, and its contents are unspecified). DL4J_BAD_ARGS for a
 * gray image (out_info[4] is 1) or tables that read outside the region.
 */
int dl4j_jpeg_decode_resampled(const unsigned char *data, int64_t size, int32_t scale_num,
                               int32_t x, int32_t y, int32_t w, int32_t h, int32_t flags,
                               const int32_t *h_start, const int32_t *h_weights, const int32_t *v_start,
                               const int32_t *v_count, const int32_t *v_weights, const int32_t *dims,
                               unsigned char *out, int64_t out_size, int32_t *out_info, char *msg, int32_t msg_len) {
    struct request rq = plain_request(scale_num, x, y, w, h, flags, out, out_size, out_info, msg, msg_len);
    if (dims == NULL) {
        put_message(msg, msg_len, "no resample tables");
        return DL4J_BAD_ARGS;
    }
    rq.h_start = h_start;
    rq.h_weights = h_weights;
    rq.v_start = v_start;
    rq.v_count = v_count;
    rq.v_weights = v_weights;
    rq.dims = dims;
    return decode(data, size, rq);
}
