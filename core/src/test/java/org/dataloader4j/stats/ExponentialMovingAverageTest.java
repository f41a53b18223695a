package org.dataloader4j.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {

    @Test
    void biasCorrectedAverageIsTheGeometricallyWeightedMeanOfAllValues() {
        double alpha = 0.2;
        double[] xs = {5, -1, 3, 8, 2, 2, 7};
        ExponentialMovingAverage ema = ExponentialMovingAverage.ofAlpha(alpha);
        assertTrue(Double.isNaN(ema.value()));
        for (int t = 0; t < xs.length; t++) {
            ema.update(xs[t]);
            double num = 0;
            double den = 0;
            for (int i = 0; i <= t; i++) {
                double w = Math.pow(1 - alpha, t - i);
                num += w * xs[i];
                den += w;
            }
            assertEquals(num / den, ema.value(), 1e-12, "after " + (t + 1) + " updates");
        }
        assertEquals(xs.length, ema.count());
    }

    @Test
    void withoutCorrectionTheFirstValueSeedsTheAverage() {
        ExponentialMovingAverage ema = ExponentialMovingAverage.ofAlpha(0.5, false);
        assertEquals(4, ema.update(4).value());
        assertEquals(6, ema.update(8).value());
        assertEquals(3, ema.update(0).value());
        assertTrue(!ema.biasCorrected());
    }

    @Test
    void constantStreamStaysConstantEitherWay() {
        for (boolean correct : new boolean[] {true, false}) {
            ExponentialMovingAverage ema = ExponentialMovingAverage.ofHalfLife(10, correct);
            for (int i = 0; i < 50; i++) {
                ema.update(2.5);
                assertEquals(2.5, ema.value(), 1e-12);
            }
        }
    }

    @Test
    void halfLifeHalvesTheWeightOfOldValues() {
        assertEquals(0.5, ExponentialMovingAverage.ofHalfLife(1).alpha(), 1e-15);
        ExponentialMovingAverage ema = ExponentialMovingAverage.ofHalfLife(3, false);
        ema.update(1);
        for (int i = 0; i < 3; i++) {
            ema.update(0);
        }
        assertEquals(0.5, ema.value(), 1e-12, "after one half-life the first value weighs half");
        ema.reset();
        assertEquals(0, ema.count());
        assertTrue(Double.isNaN(ema.value()));
    }

    @Test
    void alphaOneFollowsTheLastValue() {
        ExponentialMovingAverage ema = ExponentialMovingAverage.ofAlpha(1);
        assertEquals(3, ema.update(7).update(3).value());
    }

    @Test
    void invalidParametersAreRefusedWithTheirValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExponentialMovingAverage.ofAlpha(0))
                .getMessage().contains("alpha=0.0"));
        assertThrows(IllegalArgumentException.class, () -> ExponentialMovingAverage.ofAlpha(1.5));
        assertThrows(IllegalArgumentException.class, () -> ExponentialMovingAverage.ofAlpha(Double.NaN));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExponentialMovingAverage.ofHalfLife(-2))
                .getMessage().contains("halfLife=-2.0"));
        assertThrows(IllegalArgumentException.class,
                () -> ExponentialMovingAverage.ofHalfLife(Double.POSITIVE_INFINITY));
    }
}
