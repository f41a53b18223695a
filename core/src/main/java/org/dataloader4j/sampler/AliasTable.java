package org.dataloader4j.sampler;

import java.util.random.RandomGenerator;

/**
 * Walker's alias method in Vose's linear-time form: after an O(n) set-up, each draw of an index with
 * probability proportional to its weight costs one uniform column and one uniform coin. Column
 * {@code i} keeps itself with probability {@code keep[i]} and otherwise gives its {@code alias[i]}.
 *
 * <p>Set-up pairs deficient columns (scaled weight below 1) with surplus ones by two forward scans
 * instead of the usual two work lists, so it needs no memory beyond the table itself (12 bytes per
 * weight): with 20 million weights, 240 MB.
 */
final class AliasTable {
    private final double[] keep;
    private final int[] alias;

    /** Builds the table; {@code weights} must be finite, non-negative and not all zero (checked by the caller). */
    AliasTable(double[] weights) {
        int n = weights.length;
        double max = 0;
        int heaviest = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] > max) {
                max = weights[i];
                heaviest = i;
            }
        }
        // Dividing by the largest weight first keeps the sum finite for any finite weights.
        double total = 0;
        for (double w : weights) {
            total += w / max;
        }
        double scale = n / total;
        keep = new double[n];
        alias = new int[n];
        for (int i = 0; i < n; i++) {
            keep[i] = weights[i] / max * scale;
            alias[i] = i;
        }
        // scan: the furthest deficient column reached in index order; small: the deficient column being
        // filled now (scan itself, or a surplus column behind scan that has just become deficient);
        // large: the first column that still has a surplus. Every column before large is deficient.
        int scan = nextDeficient(0);
        int small = scan;
        int large = nextSurplus(0);
        while (small < n && large < n) {
            alias[small] = large;
            keep[large] = (keep[large] + keep[small]) - 1.0;
            if (keep[large] < 1.0) {
                int turned = large;
                large = nextSurplus(large + 1);
                if (turned < scan) {
                    small = turned;     // the scan has passed it: fill it next
                    continue;
                }                       // otherwise the scan will reach it
            }
            scan = nextDeficient(scan + 1);
            small = scan;
        }
        // What is left over differs from 1 only by rounding: such columns keep themselves.
        for (int i = 0; i < n; i++) {
            if (keep[i] >= 1.0) {
                keep[i] = 1.0;
                alias[i] = i;
            }
        }
        if (small < n) {
            markLeftover(small, heaviest);
            for (int i = nextDeficient(scan + 1); i < n; i = nextDeficient(i + 1)) {
                markLeftover(i, heaviest);
            }
        }
    }

    private void markLeftover(int i, int heaviest) {
        if (keep[i] > 0) {
            keep[i] = 1.0;
            alias[i] = i;
        } else {
            alias[i] = heaviest;  // a zero weight never keeps its column
        }
    }

    private int nextDeficient(int from) {
        int i = from;
        while (i < keep.length && keep[i] >= 1.0) {
            i++;
        }
        return i;
    }

    private int nextSurplus(int from) {
        int i = from;
        while (i < keep.length && keep[i] < 1.0) {
            i++;
        }
        return i;
    }

    int size() {
        return keep.length;
    }

    /** One index, with probability proportional to its weight. */
    int draw(RandomGenerator rng) {
        int column = rng.nextInt(keep.length);
        return rng.nextDouble() < keep[column] ? column : alias[column];
    }

    /** The exact probability of each index under this table, for tests. */
    double[] probabilities() {
        int n = keep.length;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] += keep[i] / n;
            p[alias[i]] += (1.0 - keep[i]) / n;
        }
        return p;
    }
}
