/*
 * Row gather for dataloader4j's core (TensorDataset and the loader's gather path): copies rows of a tensor into the
 * rows of a batch, prefetching the source rows a few rows ahead. A random gather over a tensor larger than the caches
 * waits on memory for every row; a plain copy loop has one or two rows in flight at a time, while prefetches (which,
 * unlike loads, do not hold up the instructions after them) keep several rows coming at once. Java has no prefetch,
 * hence this file. The Java caller has checked every index and row against the tensors' sizes.
 */
#include <stdint.h>
#include <string.h>

/* How many rows ahead to prefetch, and how much of each row (the hardware prefetcher streams the rest). */
#define AHEAD 4
#define PREFETCH_BYTES 2048

static inline void prefetch_row(const uint8_t *row, int64_t row_bytes) {
    int64_t bytes = row_bytes < PREFETCH_BYTES ? row_bytes : PREFETCH_BYTES;
    for (int64_t offset = 0; offset < bytes; offset += 64) {
        __builtin_prefetch(row + offset, 0, 0);
    }
}

/*
 * For k in [0, n): copies row indices[k] of src to row into[k] of dst; rows are row_bytes long. memmove, as Java's
 * MemorySegment.copy, so a batch that shares memory with the source still gets the row's bytes.
 */
void dl4j_gather_rows(const uint8_t *src, uint8_t *dst, const int64_t *indices, const int32_t *into, int64_t n,
                      int64_t row_bytes) {
    int64_t ahead = n < AHEAD ? n : AHEAD;
    for (int64_t k = 0; k < ahead; k++) {
        prefetch_row(src + indices[k] * row_bytes, row_bytes);
    }
    for (int64_t k = 0; k < n; k++) {
        if (k + AHEAD < n) {
            prefetch_row(src + indices[k + AHEAD] * row_bytes, row_bytes);
        }
        memmove(dst + (int64_t) into[k] * row_bytes, src + indices[k] * row_bytes, (size_t) row_bytes);
    }
}
