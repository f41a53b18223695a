package org.dataloader4j.internal;

/**
 * Argument checks whose messages carry the values: each names the argument, the value received and what was
 * expected, for example {@code batchSize should be a positive integer value, but got batchSize=0}. Every check
 * returns the value it accepted, so it can stand in an assignment: {@code this.size = checkNonNegative("size", size);}.
 *
 * <p>For dataloader4j's own modules; not part of the public API.
 */
public final class Preconditions {
    private Preconditions() {
    }

    /**
     * Throws unless {@code value >= 1}.
     *
     * @throws IllegalArgumentException {@code <name> should be a positive integer value, but got <name>=<value>}
     */
    public static long checkPositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " should be a positive integer value, but got " + name + "="
                    + value);
        }
        return value;
    }

    /** {@link #checkPositive(String, long)} for an {@code int}. */
    public static int checkPositive(String name, int value) {
        return (int) checkPositive(name, (long) value);
    }

    /**
     * Throws unless {@code value >= 0}.
     *
     * @throws IllegalArgumentException {@code <name> should be a non-negative integer value, but got <name>=<value>}
     */
    public static long checkNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " should be a non-negative integer value, but got " + name + "="
                    + value);
        }
        return value;
    }

    /** {@link #checkNonNegative(String, long)} for an {@code int}. */
    public static int checkNonNegative(String name, int value) {
        return (int) checkNonNegative(name, (long) value);
    }

    /**
     * Throws unless {@code value} is a finite number {@code >= 0}.
     *
     * @throws IllegalArgumentException {@code <name> should be a non-negative number, but got <name>=<value>}
     */
    public static double checkNonNegative(String name, double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " should be a non-negative number, but got " + name + "="
                    + value);
        }
        return value;
    }

    /**
     * Throws unless {@code min <= value <= max}.
     *
     * @throws IllegalArgumentException {@code <name> should be in [<min>, <max>], but got <name>=<value>}
     */
    public static long checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " should be in [" + min + ", " + max + "], but got " + name + "="
                    + value);
        }
        return value;
    }

    /**
     * Throws unless {@code min <= value <= max} (so NaN never passes).
     *
     * @throws IllegalArgumentException {@code <name> should be in [<min>, <max>], but got <name>=<value>}
     */
    public static double checkRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " should be in [" + bound(min) + ", " + bound(max) + "], but got "
                    + name + "=" + value);
        }
        return value;
    }

    /** A bound as it is written: {@code 1} for 1.0, {@code 0.5} for 0.5. */
    private static String bound(double b) {
        return b == Math.rint(b) && Math.abs(b) < 1e15 ? Long.toString((long) b) : Double.toString(b);
    }

    /**
     * Throws unless {@code 0 <= index < size}, naming what is indexed: {@code checkIndex(5, 5, "a dataset")}
     * throws {@code index 5 is out of range for a dataset of size 5}.
     *
     * @return {@code index}
     * @throws IndexOutOfBoundsException naming the index, what is indexed and its size
     */
    public static long checkIndex(long index, long size, String indexed) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for " + indexed + " of size "
                    + size);
        }
        return index;
    }
}
