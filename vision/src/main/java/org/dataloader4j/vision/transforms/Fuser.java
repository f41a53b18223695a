package org.dataloader4j.vision.transforms;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.dataloader4j.data.SampleTransform;

/**
 * Plans the fusion of a {@link Compose}'s stages through what they declare ({@link FusibleTransform},
 * {@link PixelwiseTransform}), and records why a fusion did not apply.
 */
final class Fuser {
    private Fuser() {
    }

    /** One step that runs: {@code op}, doing the stages {@code first..last} (0-based, inclusive). */
    record Step(SampleTransform<Object, Object> op, int first, int last) {
    }

    /** The steps in order and the reasons for fusions that a stage kept from applying. */
    record Plan(List<Step> steps, List<String> reasons) {
        Plan {
            steps = List.copyOf(steps);
            reasons = List.copyOf(reasons);
        }

        List<SampleTransform<Object, Object>> ops() {
            return steps.stream().map(Step::op).toList();
        }

        List<String> names() {
            return steps.stream().map(s -> name(s.op())).toList();
        }
    }

    /**
     * Fuses {@code stages}: each {@link FusibleTransform} is offered the next stage that is not a
     * {@link PixelwiseTransform} (with the pixel-wise ones before it), again and again while it fuses.
     * {@code numberOffset} is added to stage positions in the reasons (stages are numbered from 1 there).
     */
    static Plan fuse(List<SampleTransform<Object, Object>> stages, int numberOffset) {
        List<Step> out = new ArrayList<>(stages.size());
        List<String> reasons = new ArrayList<>();
        int n = stages.size();
        int i = 0;
        while (i < n) {
            SampleTransform<Object, Object> op = stages.get(i);
            int last = i;
            while (op instanceof FusibleTransform<?, ?> f) {
                List<PixelwiseTransform> between = new ArrayList<>();
                int j = last + 1;
                while (j < n && (Object) stages.get(j) instanceof PixelwiseTransform p) {
                    between.add(p);
                    j++;
                }
                if (j >= n) {
                    break;
                }
                SampleTransform<Object, Object> fused = f.fuseWith(List.copyOf(between), stages.get(j));
                if (fused != null) {
                    op = fused;
                    last = j;
                    continue;
                }
                if (j + 1 < n && f.fuseWith(List.copyOf(between), stages.get(j + 1)) != null) {
                    reasons.add("stage " + (j + 1 + numberOffset) + " (" + stages.get(j).getClass().getName()
                            + ") does not declare PixelwiseTransform, so " + name(op) + " and stage "
                            + (j + 2 + numberOffset) + " (" + name(stages.get(j + 1)) + ") run apart");
                }
                break;
            }
            out.add(new Step(op, i, last));
            i = last + 1;
        }
        return new Plan(out, reasons);
    }

    /**
     * A short name for a step: a fused step's description, a built-in stage's simple class name, any other
     * stage's full class name.
     */
    static String name(Object stage) {
        if (stage instanceof Fused) {
            return stage.toString();
        }
        Class<?> type = stage.getClass();
        return type.getPackageName().equals(Fuser.class.getPackageName()) && Modifier.isPublic(type.getModifiers())
                ? type.getSimpleName() : type.getName();
    }

    /** A step that fuses stages; its {@code toString} names them. */
    interface Fused {
    }
}
