package org.dataloader4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test of the class it extends: no DataLoader worker thread is alive and no off-heap byte
 * is held that was not held before the test. Threads get a short grace period to end (a task that
 * ignored an interrupt finishes its current sample first); memory gets the garbage collector's time.
 *
 * <pre>{@code
 * @ExtendWith(NoLeftoversExtension.class)
 * class MyLoaderTest { ... }
 * }</pre>
 */
public final class NoLeftoversExtension implements BeforeEachCallback, AfterEachCallback {
    private static final String WORKER_PREFIX = "dataloader4j-worker-";
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            NoLeftoversExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("offHeap", OffHeapAssertions.settledLiveBytes());
        context.getStore(NAMESPACE).put("unclosed", OffHeapAssertions.unclosedPooledTensors());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoWorkerLeft("after the test");
        long before = context.getStore(NAMESPACE).get("offHeap", Long.class);
        OffHeapAssertions.assertNoGrowthSince(before, "off-heap memory left behind by the test");
        long unclosed = OffHeapAssertions.unclosedPooledTensors() - context.getStore(NAMESPACE).get("unclosed", Long.class);
        assertEquals(0, unclosed, "pooled batch tensors reclaimed by the garbage collector instead of being closed"
                + " (by the test or by the loader)");
    }

    /**
     * Waits (a few seconds at most) for every DataLoader worker thread to end, then fails naming those that did
     * not; {@code when} completes the message ("after the test", "after case X").
     */
    public static void assertNoWorkerLeft(String when) {
        List<String> alive = aliveWorkers();
        long deadline = System.nanoTime() + GRACE_NANOS;
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            sleep();
            alive = aliveWorkers();
        }
        assertEquals(List.of(), alive, "DataLoader threads still alive " + when);
    }

    /** The names of the live threads that a DataLoader started. */
    public static List<String> aliveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(WORKER_PREFIX))
                .map(Thread::getName).sorted().toList();
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for worker threads to end", e);
        }
    }
}
