package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image file could not be decoded: it is corrupt, truncated, not an image, in an unsupported format
 * or larger than the decoder's pixel limit. The message names the file (or, for bytes decoded from memory, the
 * name they were given) and what was wrong; the cause, if any, is the codec's own exception.
 *
 * <pre>{@code
 * try (Image img = Decoders.decodeRGB(file)) {
 *     ...
 * } catch (ImageDecodeException e) {
 *     System.err.println("skipping " + e.name() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class ImageDecodeException extends RuntimeException {
    private final transient Path path;
    /**
     * The name of the failing bytes: the file's path, or a name such as a shard member's.
     */
    private final String name;

    /**
     * An error for {@code path} with a description of the problem.
     *
     * @param path the image file
     * @param problem what is wrong with it
     * @param cause the exception that revealed it
     */
    public ImageDecodeException(Path path, String problem, Throwable cause) {
        this(path, String.valueOf(path), problem, cause);
    }

    /**
     * An error for {@code path} with a description of the problem.
     *
     * @param path the image file
     * @param problem what is wrong with it
     */
    public ImageDecodeException(Path path, String problem) {
        this(path, problem, null);
    }

    /**
     * An error for image bytes that do not come from a file of their own, named {@code name} (for example
     * {@code "shard-000.tar:cat.jpg"}), with a description of the problem; {@link #path()} is then null.
     *
     * @param name the name of the bytes, such as a shard member
     * @param problem what is wrong with them
     * @param cause the exception that revealed it
     */
    public ImageDecodeException(String name, String problem, Throwable cause) {
        this(null, String.valueOf(name), problem, cause);
    }

    /**
     * An error for image bytes named {@code name} with a description of the problem (see above).
     *
     * @param name the name of the bytes, such as a shard member
     * @param problem what is wrong with them
     */
    public ImageDecodeException(String name, String problem) {
        this(name, problem, null);
    }

    private ImageDecodeException(Path path, String name, String problem, Throwable cause) {
        super("cannot decode image " + name + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.path = path;
        this.name = name;
    }

    /** {@return the file that failed to decode, or null if the image was decoded from bytes given a {@link #name()}} */
    public Path path() {
        return path;
    }

    /** {@return what failed to decode as the message names it: the file's path, or the name given with the bytes} */
    public String name() {
        return name;
    }
}
