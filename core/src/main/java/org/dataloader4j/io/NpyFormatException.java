package org.dataloader4j.io;

import java.io.IOException;

/**
 * A {@code .npy} or {@code .npz} file that cannot be read as asked: a bad magic string, a malformed
 * header, a shape that does not fit the data, truncated data, a dtype that has no exact
 * {@link org.dataloader4j.tensor.DType} counterpart, or a layout that memory mapping cannot serve.
 * The message always names the file (and the archive member, for {@code .npz}) and what was expected.
 *
 * <pre>{@code
 * try {
 *     Tensor t = Npy.read(path);
 * } catch (NpyFormatException e) {
 *     System.err.println(e.getMessage());   // e.g. "data/x.npy: truncated data: ..."
 * }
 * }</pre>
 */
public class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message (which should start with the file's name).
     *
     * @param message what is wrong, starting with the file's name
     */
    public NpyFormatException(String message) {
        super(message);
    }

    /**
     * An exception with the given message and cause.
     *
     * @param message what is wrong, starting with the file's name
     * @param cause the exception that revealed it
     */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
