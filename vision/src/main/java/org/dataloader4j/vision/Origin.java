package org.dataloader4j.vision;

import java.nio.file.Path;

/**
 * Where image data comes from, for error messages: a file, or bytes in memory with a name. Errors for a file carry
 * its {@link Path}; errors for named bytes carry the name only, with the same message text.
 */
record Origin(Path path, String name) {
    static Origin of(Path path) {
        return new Origin(path, String.valueOf(path));
    }

    static Origin named(String name) {
        return new Origin(null, String.valueOf(name));
    }

    ImageDecodeException error(String problem, Throwable cause) {
        return path != null ? new ImageDecodeException(path, problem, cause)
                : new ImageDecodeException(name, problem, cause);
    }

    ImageDecodeException error(String problem) {
        return error(problem, null);
    }
}
