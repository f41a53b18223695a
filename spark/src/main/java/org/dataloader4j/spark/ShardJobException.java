package org.dataloader4j.spark;

/** The shard job failed; the message names the output and the cause (a corrupt image's path, a duplicate key). */
public class ShardJobException extends RuntimeException {
    /** An error with its cause. */
    public ShardJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
