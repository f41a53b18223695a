package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Page-locks memory (POSIX {@code mlock}/{@code munlock} through {@code java.lang.foreign}), so that
 * an accelerator can copy from it without a staging copy. Locking can fail (the limit
 * {@code RLIMIT_MEMLOCK}, {@code ulimit -l}); callers then use the memory unlocked.
 */
interface PageLocker {

    /** Locks {@code segment}'s pages; on failure returns why (and nothing is locked). */
    Optional<String> lock(MemorySegment segment);

    /** Unlocks what {@link #lock} locked. */
    void unlock(MemorySegment segment);

    /** The operating system's mlock, or a locker that always fails when the platform has none. */
    static PageLocker system() {
        return Posix.INSTANCE != null ? Posix.INSTANCE
                : new PageLocker() {
                    @Override
                    public Optional<String> lock(MemorySegment segment) {
                        return Optional.of("this platform has no mlock");
                    }

                    @Override
                    public void unlock(MemorySegment segment) {
                    }
                };
    }

    /** mlock/munlock from the C library, with errno captured for the message. */
    final class Posix implements PageLocker {
        static final Posix INSTANCE = create();

        private final MethodHandle mlock;
        private final MethodHandle munlock;
        private final StructLayout callState;
        private final VarHandle errno;

        private Posix(MethodHandle mlock, MethodHandle munlock, StructLayout callState, VarHandle errno) {
            this.mlock = mlock;
            this.munlock = munlock;
            this.callState = callState;
            this.errno = errno;
        }

        private static Posix create() {
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                Optional<MemorySegment> lock = lookup.find("mlock");
                Optional<MemorySegment> unlock = lookup.find("munlock");
                if (lock.isEmpty() || unlock.isEmpty()) {
                    return null;
                }
                FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG);
                Linker.Option errnoOption = Linker.Option.captureCallState("errno");
                StructLayout state = Linker.Option.captureStateLayout();
                VarHandle errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                return new Posix(linker.downcallHandle(lock.get(), signature, errnoOption),
                        linker.downcallHandle(unlock.get(), signature), state, errno);
            } catch (RuntimeException | LinkageError e) {
                return null; // native access unavailable: page locking is simply not possible here
            }
        }

        @Override
        public Optional<String> lock(MemorySegment segment) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(callState);
                int rc = (int) mlock.invokeExact(state, segment, segment.byteSize());
                if (rc == 0) {
                    return Optional.empty();
                }
                int code = (int) errno.get(state, 0L);
                String why = switch (code) {
                    case 12 -> "ENOMEM: the locked-memory limit RLIMIT_MEMLOCK is reached (raise it with ulimit -l)";
                    case 1 -> "EPERM: not permitted to lock memory";
                    case 11 -> "EAGAIN: some of the memory could not be locked";
                    default -> "errno " + code;
                };
                return Optional.of("mlock of " + segment.byteSize() + " bytes failed (" + why + ")");
            } catch (Throwable t) {
                return Optional.of("mlock could not be called: " + t);
            }
        }

        @Override
        public void unlock(MemorySegment segment) {
            try {
                int ignored = (int) munlock.invokeExact(segment, segment.byteSize());
            } catch (Throwable t) {
                // nothing to do: the memory is about to be freed, which also drops the lock with the mapping
            }
        }
    }
}
