package org.dataloader4j.spark;

/**
 * The shard job failed; the message names the output and the cause (a corrupt image's path, a duplicate key).
 *
 * <pre>{@code
 * try {
 *     ShardJob.run(spark, images, out, ShardJob.options(64));
 * } catch (ShardJobException e) {
 *     log.error(e.getMessage());   // e.g. names the corrupt file
 * }
 * }</pre>
 */
public class ShardJobException extends RuntimeException {
    /**
     * An error with its cause.
     *
     * @param message what went wrong
     * @param cause the exception that caused it
     */
    public ShardJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
