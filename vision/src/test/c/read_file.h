/* read_file for the C checks of this folder: the whole file in a fresh malloc'ed buffer (its size in *size), or NULL
   if it cannot be opened. */
#ifndef DL4J_READ_FILE_H
#define DL4J_READ_FILE_H

#include <stdio.h>
#include <stdlib.h>

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(n > 0 ? (size_t) n : 1);
    *size = fread(data, 1, (size_t) n, f);
    fclose(f);
    return data;
}

#endif
