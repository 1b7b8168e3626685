// The whole of this project's use of libpng, in C, because libpng reports errors by longjmp: every
// setjmp and longjmp happens inside these functions, and only plain values and malloc'd buffers reach
// Swift (Sources/Datasets/Formats/Internal/PNGCodec.swift, the only file that imports this module).
#ifndef REPORT_PNG_EDGE_H
#define REPORT_PNG_EDGE_H

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CPNG_OK = 0,
    /// The file could not be opened; the message says why.
    CPNG_UNREADABLE = 1,
    /// The file does not start with PNG's signature.
    CPNG_NOT_PNG = 2,
    /// libpng stopped: the file is truncated or damaged; the message is libpng's.
    CPNG_DAMAGED = 3,
    /// The decoded image would take more than the limit given.
    CPNG_TOO_LARGE = 4,
    /// Memory ran out.
    CPNG_NO_MEMORY = 5,
};

/// A decoded image: `height` rows of `width` pixels of `channels` (1: grey, 3: RGB) bytes, interleaved.
typedef struct cpng_image {
    unsigned char *pixels;
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    char message[256];
} cpng_image;

/// Bytes written by `cpng_encode`.
typedef struct cpng_buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
} cpng_buffer;

typedef struct cpng_context {
    jmp_buf jump;
    char message[256];
    cpng_buffer *output;
} cpng_context;

static inline void cpng_on_error(png_structp png, png_const_charp message) {
    cpng_context *context = (cpng_context *)png_get_error_ptr(png);
    snprintf(context->message, sizeof context->message, "%s", message);
    longjmp(context->jump, 1);
}

static inline void cpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static inline void cpng_free(void *pointer) { free(pointer); }

/// Decodes the PNG file at `path` to 8-bit grey or RGB: palettes and grey below 8 bits are expanded,
/// 16-bit samples scaled to 8 bits, alpha (and tRNS transparency) dropped. Refuses an image whose pixels
/// would take more than `max_bytes`. On success the caller frees `image->pixels` with `cpng_free`.
static inline int cpng_decode_file(const char *path, size_t max_bytes, cpng_image *image) {
    memset(image, 0, sizeof *image);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        snprintf(image->message, sizeof image->message, "%s", strerror(errno));
        return CPNG_UNREADABLE;
    }
    unsigned char signature[8];
    if (fread(signature, 1, sizeof signature, file) != sizeof signature || png_sig_cmp(signature, 0, 8) != 0) {
        fclose(file);
        return CPNG_NOT_PNG;
    }
    cpng_context context;
    context.message[0] = 0;
    context.output = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, cpng_on_error, cpng_on_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (png == NULL || info == NULL) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(file);
        return CPNG_NO_MEMORY;
    }
    // Set after setjmp and used after a longjmp back to it, so volatile.
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    volatile int status = CPNG_DAMAGED;
    if (setjmp(context.jump) != 0) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        fclose(file);
        snprintf(image->message, sizeof image->message, "%s", context.message);
        return status;
    }
    png_init_io(png, file);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    uint32_t channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((channels != 1 && channels != 3) || row_bytes != (size_t)width * channels) {
        png_error(png, "unexpected channel layout after conversion to 8-bit grey or RGB");
    }
    // Width and height are at most 2^31 each (PNG's own limit), so this product fits 64 bits.
    uint64_t total = (uint64_t)row_bytes * height;
    if (total > max_bytes) {
        status = CPNG_TOO_LARGE;
        snprintf(context.message, sizeof context.message, "%u×%u pixels of %u channels take %llu bytes",
                 (unsigned)width, (unsigned)height, (unsigned)channels, (unsigned long long)total);
        longjmp(context.jump, 1);
    }
    pixels = (unsigned char *)malloc(total == 0 ? 1 : (size_t)total);
    rows = (png_bytep *)malloc((height == 0 ? 1 : height) * sizeof(png_bytep));
    if (pixels == NULL || rows == NULL) {
        status = CPNG_NO_MEMORY;
        longjmp(context.jump, 1);
    }
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(file);
    image->pixels = pixels;
    image->width = width;
    image->height = height;
    image->channels = channels;
    return CPNG_OK;
}

static inline void cpng_append(png_structp png, png_bytep data, size_t length) {
    cpng_context *context = (cpng_context *)png_get_error_ptr(png);
    cpng_buffer *buffer = context->output;
    if (length > buffer->capacity - buffer->size) {
        size_t capacity = buffer->capacity * 2 + length + 4096;
        unsigned char *grown = (unsigned char *)realloc(buffer->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, data, length);
    buffer->size += length;
}

static inline void cpng_flush(png_structp png) { (void)png; }

/// Encodes `height` rows of `width` 8-bit pixels of `channels` (1: grey, 3: RGB), interleaved, as a PNG
/// in `output` (the caller frees `output->data` with `cpng_free`, whatever the result). Returns CPNG_OK,
/// or CPNG_DAMAGED with libpng's message in `message`.
static inline int cpng_encode(const unsigned char *pixels, uint32_t width, uint32_t height, uint32_t channels,
                              cpng_buffer *output, char *message, size_t message_size) {
    memset(output, 0, sizeof *output);
    cpng_context context;
    context.message[0] = 0;
    context.output = output;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, cpng_on_error, cpng_on_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (png == NULL || info == NULL) {
        png_destroy_write_struct(&png, &info);
        snprintf(message, message_size, "out of memory");
        return CPNG_NO_MEMORY;
    }
    if (setjmp(context.jump) != 0) {
        png_destroy_write_struct(&png, &info);
        snprintf(message, message_size, "%s", context.message);
        return CPNG_DAMAGED;
    }
    png_set_write_fn(png, &context, cpng_append, cpng_flush);
    png_set_IHDR(png, info, width, height, 8, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, pixels + (size_t)y * width * channels);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return CPNG_OK;
}

#endif
