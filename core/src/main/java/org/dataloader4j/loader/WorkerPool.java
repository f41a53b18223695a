package org.dataloader4j.loader;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A fixed set of named daemon worker threads that take tasks from one queue. Each task learns the
 * id of the thread that runs it. Tasks that belong to a cancelled epoch can be interrupted without
 * disturbing the next task the same thread picks up.
 */
final class WorkerPool implements AutoCloseable {
    /** How long {@link #close()} waits for threads that are still inside a task (which may ignore interrupts). */
    private static final long JOIN_MILLIS = 1_000;

    /** A unit of work: {@code body} runs with the id of the worker thread; {@code owner} (the epoch) is for cancellation. */
    record Task(Object owner, IntConsumer body) {
        void run(int workerId) {
            body.accept(workerId);
        }
    }

    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread[] threads;
    private final Task[] running;
    private final Object[] locks;
    private volatile boolean shutdown;
    private volatile int active;
    private final boolean[] initialized; // each entry read and written only by its own thread
    private final RuntimeException[] initFailures; // likewise: a worker whose initialisation failed stays failed
    private final Object activeChanged = new Object();

    WorkerPool(int size, String namePrefix) {
        threads = new Thread[size];
        running = new Task[size];
        locks = new Object[size];
        initialized = new boolean[size];
        initFailures = new RuntimeException[size];
        active = size;
        for (int id = 0; id < size; id++) {
            final int workerId = id;
            locks[id] = new Object();
            threads[id] = Thread.ofPlatform().daemon().name(namePrefix + id).unstarted(() -> loop(workerId));
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    int size() {
        return threads.length;
    }

    void submit(Task task) {
        if (shutdown) {
            throw new IllegalStateException("the worker pool is shut down");
        }
        queue.add(task);
    }

    /**
     * On worker thread {@code id}: runs {@code init} unless this thread already ran it. When it failed, every
     * later call on that thread throws the same failure again: a worker is never used half-initialised.
     */
    void initializeOnce(int id, Runnable init) {
        if (initFailures[id] != null) {
            throw initFailures[id];
        }
        if (!initialized[id]) {
            initialized[id] = true;
            try {
                init.run();
            } catch (RuntimeException e) {
                initFailures[id] = e;
                throw e;
            }
        }
    }

    /** Lets only workers {@code 0 .. n - 1} take tasks; the others wait until they are needed. */
    void setActive(int n) {
        synchronized (activeChanged) {
            active = Math.clamp(n, 1, threads.length);
            activeChanged.notifyAll();
        }
    }

    private void loop(int id) {
        while (!shutdown) {
            Task task;
            try {
                if (id >= active) {
                    synchronized (activeChanged) {
                        while (id >= active && !shutdown) {
                            activeChanged.wait();
                        }
                    }
                    continue;
                }
                task = queue.take();
            } catch (InterruptedException e) {
                continue; // a stale interrupt for a cancelled task, or shutdown: the loop condition decides
            }
            synchronized (locks[id]) {
                running[id] = task;
            }
            try {
                task.run(id);
            } catch (Throwable t) {
                // Tasks hand every failure to their epoch; anything escaping here is an engine bug. Report it
                // and keep the thread serving: a dead worker would leave its queued tasks unrun.
                Thread self = Thread.currentThread();
                try {
                    self.getUncaughtExceptionHandler().uncaughtException(self, t);
                } catch (Throwable ignored) {
                    // a failing handler must not end the worker either
                }
            } finally {
                synchronized (locks[id]) {
                    running[id] = null;
                    Thread.interrupted(); // clear an interrupt meant for the finished task
                }
            }
        }
    }

    /** Drops queued tasks of {@code owner} and interrupts threads running one of them. */
    void cancel(Object owner) {
        Predicate<Task> mine = task -> task.owner() == owner;
        queue.removeIf(mine);
        for (int id = 0; id < threads.length; id++) {
            synchronized (locks[id]) {
                Task task = running[id];
                if (task != null && mine.test(task)) {
                    threads[id].interrupt();
                }
            }
        }
    }

    /**
     * Stops every thread without waiting: queued tasks are dropped, running ones interrupted; each thread
     * ends as soon as its current task returns. For a consumer that must not wait (a timeout, a failure).
     */
    void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        queue.clear();
        synchronized (activeChanged) {
            activeChanged.notifyAll();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }

    /** {@link #close()} when {@code wait}, else {@link #shutdown()}: for a consumer that must not wait. */
    void stop(boolean wait) {
        if (wait) {
            close();
        } else {
            shutdown();
        }
    }

    /**
     * Stops every thread as {@link #shutdown()} does, then waits up to a second for them to end. A task that
     * ignores interrupts and runs longer keeps its (daemon) thread until it returns; nothing waits for it.
     */
    @Override
    public void close() {
        shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0 && t != Thread.currentThread()) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
