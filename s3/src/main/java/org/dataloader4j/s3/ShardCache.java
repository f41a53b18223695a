package org.dataloader4j.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.dataloader4j.spark.ShardStore;
import org.dataloader4j.spark.internal.Checksums;

/**
 * The local disk cache of downloaded shards, shared by all consumers of one {@link S3ShardStore}, and the
 * background prefetch that fills it.
 *
 * <p>Bytes are reserved at a shard's full size before its download starts, and a file is deleted before its bytes
 * are released, so the files on disk never exceed the reserved count. A prefetch starts only if its shard fits
 * under the limit (and under the prefetch byte bound), after evicting closed shards that no consumer will read again
 * this epoch; a consumer that needs a shard now first evicts those shards (least recently used first), then shards
 * fetched ahead but not open, and may then go over the limit by that one shard only if the cache was within its
 * limit before; otherwise it waits for other consumers to close theirs. So the cache never holds more than its limit
 * plus one shard.
 */
final class ShardCache {
    private final Path dir;
    private final long limit;
    private final long prefetchBytes;
    private final int lookahead;
    private final Duration waitTimeout;
    private final ObjectFetcher fetcher;
    private final ExecutorService pool;

    private final Object lock = new Object();
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Integer> needed = new HashMap<>();
    private long used;
    private long peak;
    private long prefetching;   // bytes of prefetches in flight or fetched and not yet opened
    private long clock;
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong prefetches = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong stallNanos = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    private enum State { DOWNLOADING, READY }

    /** A shard present (or being downloaded) in the cache. */
    private static final class Entry {
        final ShardStore.Ref ref;
        final Path file;
        State state = State.DOWNLOADING;
        boolean prefetched;   // fetched ahead and not opened yet: counts towards prefetching
        int open;
        long lastUse;

        Entry(ShardStore.Ref ref, Path file) {
            this.ref = ref;
            this.file = file;
        }
    }

    ShardCache(Path dir, long limit, long prefetchBytes, int lookahead, Duration waitTimeout, ObjectFetcher fetcher,
               ExecutorService pool) {
        this.dir = dir;
        this.limit = limit;
        this.prefetchBytes = prefetchBytes;
        this.lookahead = lookahead;
        this.waitTimeout = waitTimeout;
        this.fetcher = fetcher;
        this.pool = pool;
    }

    S3Statistics statistics() {
        synchronized (lock) {
            return new S3Statistics(fetcher.bytesDownloaded.sum(), downloads.get(), prefetches.get(), hits.get(),
                    stalls.get(), stallNanos.get(), fetcher.retries.sum(), evictions.get(), used, peak, limit);
        }
    }

    ShardStore.Session session(List<ShardStore.Ref> plan) {
        for (ShardStore.Ref ref : plan) {
            if (ref.shard().bytes() > limit) {
                throw new IllegalArgumentException("shard " + ref.location() + " (" + ref.shard().bytes()
                        + " bytes) is larger than the cache limit of " + limit + " bytes; raise cacheBytes");
            }
        }
        synchronized (lock) {
            for (ShardStore.Ref ref : plan) {
                needed.merge(ref.location(), 1, Integer::sum);
            }
        }
        return new Session(List.copyOf(plan));
    }

    /** One consumer's plan: opens its shards in order and keeps the next {@code lookahead} fetching. */
    private final class Session implements ShardStore.Session {
        private final List<ShardStore.Ref> plan;
        private int released;   // plan positions before this one no longer count as needed
        private boolean closed;

        Session(List<ShardStore.Ref> plan) {
            this.plan = plan;
        }

        @Override
        public InputStream open(int index) throws IOException {
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("the session is closed");
                }
                releaseBefore(index);
            }
            ShardStore.Ref ref = plan.get(index);
            InputStream in = demand(ref, () -> {
                for (int i = index + 1; i <= Math.min(plan.size() - 1, index + lookahead); i++) {
                    prefetch(plan.get(i));
                }
            });
            return new FilterInputStream(in) {
                private boolean done;

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        synchronized (lock) {
                            if (!done) {
                                done = true;
                                Entry e = entries.get(ref.location());
                                e.open--;
                                e.lastUse = ++clock;
                                releaseBefore(index + 1);
                                lock.notifyAll();
                            }
                        }
                    }
                }
            };
        }

        /** Positions before {@code index} are no longer needed by this consumer. */
        private void releaseBefore(int index) {
            while (released < Math.min(index, plan.size())) {
                needed.computeIfPresent(plan.get(released++).location(), (k, v) -> v == 1 ? null : v - 1);
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    releaseBefore(plan.size());
                    lock.notifyAll();
                }
            }
        }
    }

    /**
     * Starts a background download of {@code ref} if it is needed, absent, and fits the cache and prefetch bounds,
     * evicting closed shards that no consumer needs again this epoch to make it fit (never a shard still needed:
     * a prefetch must not push out what a consumer will read).
     */
    private void prefetch(ShardStore.Ref ref) {
        Entry entry;
        synchronized (lock) {
            long bytes = ref.shard().bytes();
            if (entries.containsKey(ref.location()) || !needed.containsKey(ref.location())
                    || prefetching + bytes > prefetchBytes) {
                return;
            }
            makeRoom(bytes, false);
            if (used + bytes > limit) {
                return;
            }
            entry = reserve(ref);
            entry.prefetched = true;
            prefetching += bytes;
        }
        try {
            pool.execute(() -> {
                try {
                    fetch(entry);
                    prefetches.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    // the consumer downloads it again when it needs it and reports the error then
                    synchronized (lock) {
                        drop(entry);
                    }
                }
            });
        } catch (RejectedExecutionException e) {   // the store is closing
            synchronized (lock) {
                drop(entry);
            }
        }
    }

    /**
     * The shard, downloaded by this thread if no one else has it or is fetching it; counts hits and stalls.
     * {@code claimed} runs once the shard is open, reserved for this thread or being fetched by another: the
     * caller starts its prefetches there, so they run alongside this download but never take its room.
     */
    private InputStream demand(ShardStore.Ref ref, Runnable claimed) throws IOException {
        long start = System.nanoTime();
        long deadline = start + waitTimeout.toNanos();
        boolean waited = false;
        boolean announced = false;
        while (true) {
            Entry mine = null;
            Entry theirs = null;
            InputStream ready = null;
            synchronized (lock) {
                while (true) {
                    Entry e = entries.get(ref.location());
                    if (e != null && e.state == State.READY) {
                        ready = opened(e, waited, start);
                        break;
                    }
                    if (e != null) {
                        theirs = e;   // downloading: a prefetch, or another consumer's demand
                        waited = true;
                        break;
                    }
                    makeRoom(ref.shard().bytes(), true);
                    if (used + ref.shard().bytes() <= limit || used <= limit) {
                        mine = reserve(ref);
                        waited = true;
                        break;
                    }
                    waited = true;
                    await(deadline, ref, true);
                }
            }
            if (!announced) {
                announced = true;
                claimed.run();
            }
            if (ready != null) {
                return ready;
            }
            if (mine != null) {
                try {
                    fetcher.download(S3Location.parse(ref.location()), ref.shard(), mine.file);
                } catch (IOException | RuntimeException e) {
                    synchronized (lock) {
                        drop(mine);
                    }
                    throw e;
                }
                downloads.incrementAndGet();
                synchronized (lock) {   // ready and open in one step: no other consumer can evict it in between
                    mine.state = State.READY;
                    lock.notifyAll();
                    return opened(mine, true, start);
                }
            }
            synchronized (lock) {
                while (entries.get(ref.location()) == theirs && theirs.state != State.READY) {
                    await(deadline, ref, false);
                }
                if (entries.get(ref.location()) == theirs) {
                    return opened(theirs, true, start);
                }
                // their download failed, or the shard was evicted right after it arrived: claim it again
            }
        }
    }

    /** Waits on the lock until {@code deadline}; past it, an error that says what was waited for. */
    private void await(long deadline, ShardStore.Ref ref, boolean forRoom) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException(forRoom
                    ? "waited " + waitTimeout.toMillis() + " ms for room in the shard cache (" + used + " of " + limit
                    + " bytes held by shards other consumers have open) to fetch " + ref.location() + "; raise"
                    + " cacheBytes to at least (consumers in this process - 1) x the largest shard"
                    : "waited " + waitTimeout.toMillis() + " ms for the download of " + ref.location());
        }
        try {
            lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + ref.location());
        }
    }

    private InputStream opened(Entry e, boolean waited, long start) throws IOException {
        if (waited) {
            stalls.incrementAndGet();
            stallNanos.addAndGet(System.nanoTime() - start);
        } else {
            hits.incrementAndGet();
        }
        if (e.prefetched) {
            e.prefetched = false;
            prefetching -= e.ref.shard().bytes();
        }
        InputStream in = Files.newInputStream(e.file);
        e.open++;
        e.lastUse = ++clock;
        return in;
    }

    /** A prefetch's download: the entry becomes ready (and evictable) when it is complete. */
    private void fetch(Entry e) throws IOException {
        fetcher.download(S3Location.parse(e.ref.location()), e.ref.shard(), e.file);
        downloads.incrementAndGet();
        synchronized (lock) {
            e.state = State.READY;
            e.lastUse = ++clock;
            lock.notifyAll();
        }
    }

    private Entry reserve(ShardStore.Ref ref) {
        Entry e = new Entry(ref, dir.resolve(fileName(ref.location())));
        entries.put(ref.location(), e);
        used += ref.shard().bytes();
        peak = Math.max(peak, used);
        return e;
    }

    /** Removes an entry whose download failed or was abandoned. */
    private void drop(Entry e) {
        if (entries.get(e.ref.location()) == e) {
            entries.remove(e.ref.location());
        }
        if (e.prefetched) {
            e.prefetched = false;
            prefetching -= e.ref.shard().bytes();
        }
        used -= e.ref.shard().bytes();
        lock.notifyAll();
    }

    /**
     * Evicts closed shards until {@code bytes} more fit: first those no longer needed, then (if {@code evictNeeded})
     * needed ones, least recently used first.
     */
    private void makeRoom(long bytes, boolean evictNeeded) {
        while (used + bytes > limit) {
            Entry victim = null;
            for (Entry e : entries.values()) {
                if (e.state != State.READY || e.open > 0 || (!evictNeeded && needed.containsKey(e.ref.location()))) {
                    continue;
                }
                if (victim == null || rank(e) < rank(victim)) {
                    victim = e;
                }
            }
            if (victim == null) {
                return;
            }
            try {
                Files.deleteIfExists(victim.file);
            } catch (IOException ex) {
                return;   // cannot free it: leave it counted, and wait as if it were open
            }
            evictions.incrementAndGet();
            drop(victim);
        }
    }

    /** Eviction order: not needed before needed, then least recently used. */
    private long rank(Entry e) {
        return (needed.containsKey(e.ref.location()) ? Long.MAX_VALUE / 2 : 0) + e.lastUse;
    }

    /** Deletes every cached file (the store is closing). */
    void clear() {
        synchronized (lock) {
            for (Entry e : new ArrayList<>(entries.values())) {
                if (e.state == State.READY && e.open == 0) {
                    try {
                        Files.deleteIfExists(e.file);
                    } catch (IOException ignored) {
                        // best effort on close: the folder is the user's or a temporary one
                    }
                    drop(e);
                }
            }
        }
    }

    private static String fileName(String location) {
        String hex = Checksums.hex(Checksums.sha256().digest(location.getBytes(StandardCharsets.UTF_8)));
        String tail = location.substring(location.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return hex.substring(0, 16) + "-" + tail;
    }
}
