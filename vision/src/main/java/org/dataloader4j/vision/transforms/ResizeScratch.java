package org.dataloader4j.vision.transforms;

/**
 * Per-thread scratch arrays for the row-at-a-time kernels of {@link Pixels} and {@link TensorWriter}, grown as needed; arrays above
 * {@link #RETAIN_LIMIT} bytes are handed out fresh and not kept, so a thread holds at most a few MiB. The kernels do
 * not call each other while they hold these, so one set per thread is enough. Package-private.
 */
final class ResizeScratch {
    static final int RETAIN_LIMIT = 8 << 20;
    private static final ThreadLocal<ResizeScratch> SCRATCH = ThreadLocal.withInitial(ResizeScratch::new);

    private byte[] row = new byte[0];
    private byte[] outRow = new byte[0];
    private int[][] mid = new int[0][];
    private int[] acc = new int[0];
    private float[] floats = new float[0];

    static ResizeScratch get() {
        return SCRATCH.get();
    }

    private static int size(long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image too large for a resize buffer: " + n + " bytes");
        }
        return (int) n;
    }

    /** An input row, at least {@code n} bytes. */
    byte[] row(long n) {
        if (row.length < n) {
            byte[] a = new byte[size(n)];
            if (n > RETAIN_LIMIT) {
                return a;
            }
            row = a;
        }
        return row;
    }

    /** An output row, at least {@code n} bytes, distinct from {@link #row}. */
    byte[] outRow(long n) {
        if (outRow.length < n) {
            byte[] a = new byte[size(n)];
            if (n > RETAIN_LIMIT) {
                return a;
            }
            outRow = a;
        }
        return outRow;
    }

    /**
     * The intermediate image between the two resize passes: at least {@code rows} int arrays of at least
     * {@code len} values, one per row (kept only while they total at most {@link #RETAIN_LIMIT} bytes).
     */
    int[][] mid(int rows, int len) {
        if ((long) rows * len * 4 > RETAIN_LIMIT) {
            return new int[rows][len];
        }
        if (mid.length < rows) {
            mid = java.util.Arrays.copyOf(mid, rows);
        }
        for (int i = 0; i < rows; i++) {
            if (mid[i] == null || mid[i].length < len) {
                mid[i] = new int[len];
            }
        }
        if (retainedMid(mid) > 2L * RETAIN_LIMIT) {      // shrink what an earlier, larger image left behind
            mid = java.util.Arrays.copyOf(mid, rows);
            for (int i = 0; i < rows; i++) {
                if (mid[i].length > len) {
                    mid[i] = new int[len];
                }
            }
        }
        return mid;
    }

    private static long retainedMid(int[][] rows) {
        long n = 0;
        for (int[] r : rows) {
            n += r == null ? 0 : 4L * r.length;
        }
        return n;
    }

    /** Vertical-pass accumulators, at least {@code n}. */
    int[] acc(long n) {
        if (acc.length < n) {
            int[] a = new int[size(n)];
            if (n * 4 > RETAIN_LIMIT) {
                return a;
            }
            acc = a;
        }
        return acc;
    }

    /** Float values of one row, at least {@code n}. */
    float[] floats(long n) {
        if (floats.length < n) {
            float[] a = new float[size(n)];
            if (n * 4 > RETAIN_LIMIT) {
                return a;
            }
            floats = a;
        }
        return floats;
    }
}
