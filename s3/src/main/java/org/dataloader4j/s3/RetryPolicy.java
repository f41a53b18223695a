package org.dataloader4j.s3;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently a failed download is tried again: at most {@code maxAttempts} attempts in all, the
 * wait before attempt {@code n + 1} drawn uniformly from {@code [0, min(maxDelay, baseDelay × 2^(n-1))]}
 * (exponential backoff with full jitter, so that many clients throttled together do not retry in lockstep).
 *
 * <pre>{@code
 * RetryPolicy patient = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(20));
 * }</pre>
 *
 * @param maxAttempts attempts in all, at least 1
 * @param baseDelay   the bound of the first wait
 * @param maxDelay    the bound of every wait
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    /** 5 attempts, waits bounded by 100 ms, 200 ms, 400 ms, 800 ms. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10));

    /** Checks the values. */
    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but got maxAttempts=" + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative, but got baseDelay=" + baseDelay
                    + ", maxDelay=" + maxDelay);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): full jitter over the exponential bound. */
    public Duration delay(int attempt, RandomGenerator random) {
        long base = baseDelay.toNanos();
        long bound = Math.min(maxDelay.toNanos(), attempt >= 62 || base > (Long.MAX_VALUE >> (attempt - 1))
                ? Long.MAX_VALUE : base << (attempt - 1));
        return bound <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(bound + 1));
    }
}
