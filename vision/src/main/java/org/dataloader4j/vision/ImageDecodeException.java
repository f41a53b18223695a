package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image file could not be decoded: it is corrupt, truncated, not an image, in an unsupported format
 * or larger than the decoder's pixel limit. The message names the file and what was wrong; the cause, if
 * any, is the codec's own exception.
 *
 * <pre>{@code
 * try (Image img = Decoders.decodeRGB(file)) {
 *     ...
 * } catch (ImageDecodeException e) {
 *     System.err.println("skipping " + e.path() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class ImageDecodeException extends RuntimeException {
    private final transient Path path;

    /** An error for {@code path} with a description of the problem. */
    public ImageDecodeException(Path path, String problem, Throwable cause) {
        super("cannot decode image " + path + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.path = path;
    }

    /** An error for {@code path} with a description of the problem. */
    public ImageDecodeException(Path path, String problem) {
        this(path, problem, null);
    }

    /** The file that failed to decode. */
    public Path path() {
        return path;
    }
}
