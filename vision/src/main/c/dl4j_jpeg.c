/*
 * dl4j_jpeg.c - JPEG decoding for dataloader4j's vision module through libjpeg's own API (libjpeg-turbo).
 *
 * Called from Java through java.lang.foreign (org.dataloader4j.vision.NativeJpeg). Two entry points, both
 * self-contained (each parses the stream from its start, nothing is kept between calls):
 *
 *   dl4j_jpeg_header  reads the header: width, height, components, colour space, progressive flag;
 *   dl4j_jpeg_decode  decodes the whole image, or a region of it, at a DCT scale of n/8, straight into a
 *                     buffer the caller allocated: gray images as 1 byte per pixel, YCbCr and RGB as RGB.
 *
 * libjpeg reports fatal errors by calling error_exit, which must not return: it longjmps back to the entry point
 * here, which frees libjpeg's memory and returns an error code with libjpeg's message copied into the caller's
 * buffer. Nothing is printed, nothing exits the process. Sizes are validated before anything is written: the
 * region must lie inside the scaled image and the output buffer must hold it. Warnings that mean pixels are
 * missing (premature end of the file or of a data segment) are reported as DL4J_TRUNCATED after the decode;
 * other warnings are ignored, as PIL ignores them.
 *
 * Region decoding uses jpeg_crop_scanline (columns, aligned by libjpeg to iMCU boundaries) and
 * jpeg_skip_scanlines (rows above the region). Rows below the region are not decoded when the data ends with an EOI
 * marker; otherwise they are entropy-decoded, so that a truncated file fails as a whole decode of it does. Chroma upsampling near a cropped edge differs from a full decode,
 * so the decoded strip is widened by MARGIN pixels on every side before the exact region is copied out: the
 * pixels returned are those of the full decode.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#define DL4J_OK 0
#define DL4J_ERROR (-1)        /* libjpeg's fatal error: corrupt data, not a JPEG, out of memory ... */
#define DL4J_TRUNCATED (-2)    /* decoded, but data was missing (premature end) */
#define DL4J_BAD_ARGS (-3)     /* scale or region out of range */
#define DL4J_SMALL_BUFFER (-4) /* the output buffer cannot hold the result */
#define DL4J_UNSUPPORTED (-5)  /* a colour space this path does not convert (CMYK, YCCK, ...) */

#define MARGIN 16

struct dl4j_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *msg;
    int msg_len;
    int truncated;
    char warning[JMSG_LENGTH_MAX];
};

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

static void on_message(j_common_ptr cinfo, int level) {
    struct dl4j_error *err = (struct dl4j_error *) cinfo->err;
    if (level < 0) {   /* a warning; level >= 0 are trace messages */
        int code = cinfo->err->msg_code;
        if ((code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER) && !err->truncated) {
            err->truncated = 1;
            (*cinfo->err->format_message)(cinfo, err->warning);
        }
        cinfo->err->num_warnings++;
    }
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
    jpeg_mem_src(&cinfo, data, (unsigned long) size);
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
    int complete;          /* the data ends with an EOI marker */
    int32_t scale_num;
    int32_t x, y, w, h;
    unsigned char *out;
    int64_t out_size;
    int32_t *out_info;
    char *msg;
    int32_t msg_len;
};

static int decode_body(struct jpeg_decompress_struct *cinfo, struct dl4j_error *err, struct request rq) {
    JSAMPARRAY row;
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
    need = (int64_t) w * h * comps;
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
    if (x > 0 || (JDIMENSION) w < full_w) {
        JDIMENSION left = (JDIMENSION) x > MARGIN ? (JDIMENSION) x - MARGIN : 0;
        JDIMENSION right = (JDIMENSION) x + (JDIMENSION) w + MARGIN;
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
    row = (*cinfo->mem->alloc_sarray)((j_common_ptr) cinfo, JPOOL_IMAGE,
                                      cinfo->output_width * (JDIMENSION) comps, 1);
    first_row = (JDIMENSION) y > MARGIN ? (JDIMENSION) y - MARGIN : 0;
    end_row = (JDIMENSION) y + (JDIMENSION) h;
    if (first_row > 0 && jpeg_skip_scanlines(cinfo, first_row) != first_row) {
        put_message(rq.msg, rq.msg_len, "could not skip to the region's first row");
        return DL4J_ERROR;
    }
    while (cinfo->output_scanline < end_row) {
        JDIMENSION line = cinfo->output_scanline;
        if (jpeg_read_scanlines(cinfo, row, 1) != 1) {
            put_message(rq.msg, rq.msg_len, "libjpeg returned no row");
            return DL4J_ERROR;
        }
        if (line >= (JDIMENSION) y) {
            memcpy(rq.out + (int64_t) (line - (JDIMENSION) y) * w * comps,
                   row[0] + (size_t) ((JDIMENSION) x - crop_x) * (size_t) comps, (size_t) w * (size_t) comps);
        }
    }
    if (!rq.complete && cinfo->output_scanline < cinfo->output_height) {
        /* No EOI at the end: the file may be truncated below the region. Entropy-decode the rest (no IDCT, no colour
           conversion) so that a missing end is reported as for a whole decode, instead of passing unnoticed. Skipping
           to the very end would decode nothing (libjpeg just marks the image done), so the last row is read. */
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
    if (cinfo->output_scanline == cinfo->output_height) {
        jpeg_finish_decompress(cinfo);
    } else {
        jpeg_abort_decompress(cinfo);
    }
    if (err->truncated) {
        put_message(rq.msg, rq.msg_len, err->warning);
        return DL4J_TRUNCATED;
    }
    return DL4J_OK;
}

/*
 * Decodes at scale scale_num/8 (1..8). The region (x, y, w, h) is in scaled pixels; w <= 0 or h <= 0 means the
 * whole image. out receives h rows of w pixels, 1 byte per pixel for gray files, 3 (RGB) otherwise; out_size is its
 * capacity in bytes. out_info receives 5 ints: scaled width and height of the whole image, the region's width and
 * height, and the components per pixel written. On DL4J_SMALL_BUFFER or DL4J_BAD_ARGS out_info is filled (as far as
 * known) so that the caller can say why.
 */
int dl4j_jpeg_decode(const unsigned char *data, int64_t size, int32_t scale_num,
                     int32_t x, int32_t y, int32_t w, int32_t h,
                     unsigned char *out, int64_t out_size, int32_t *out_info, char *msg, int32_t msg_len) {
    struct jpeg_decompress_struct cinfo;
    struct dl4j_error err;
    struct request rq;
    int rc;

    if (data == NULL || size <= 0 || out_info == NULL) {
        put_message(msg, msg_len, "no data");
        return DL4J_BAD_ARGS;
    }
    memset(out_info, 0, 5 * sizeof(int32_t));
    if (scale_num < 1 || scale_num > 8) {
        put_message(msg, msg_len, "scale must be 1/8 .. 8/8");
        return DL4J_BAD_ARGS;
    }
    rq.complete = size >= 2 && data[size - 2] == 0xFF && data[size - 1] == 0xD9;
    rq.scale_num = scale_num;
    rq.x = x;
    rq.y = y;
    rq.w = w;
    rq.h = h;
    rq.out = out;
    rq.out_size = out_size;
    rq.out_info = out_info;
    rq.msg = msg;
    rq.msg_len = msg_len;
    memset(&cinfo, 0, sizeof cinfo);
    init_error(&cinfo, &err, msg, msg_len);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return DL4J_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long) size);
    rc = decode_body(&cinfo, &err, rq);
    jpeg_destroy_decompress(&cinfo);
    return rc;
}
