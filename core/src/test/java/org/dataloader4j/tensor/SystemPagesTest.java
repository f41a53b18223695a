package org.dataloader4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SystemPagesTest {
    private static final long MIB = 1L << 20;

    @Test
    void mappedMemoryIsZeroWritableOfTheExactSizeAndGoneWithItsArena() {
        for (long bytes : new long[] {1, 4095, 4097, MIB + 3, 2 * MIB, 5 * MIB + 123}) {
            Arena arena = Arena.ofShared();
            MemorySegment segment = SystemPages.zeroed(bytes, arena);
            assertEquals(bytes, segment.byteSize());
            assertEquals(0, segment.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, segment.get(ValueLayout.JAVA_BYTE, bytes - 1));
            assertEquals(-1, segment.mismatch(MemorySegment.ofArray(new byte[(int) bytes])), "all zero: " + bytes);
            segment.fill((byte) 7);
            assertEquals(7, segment.get(ValueLayout.JAVA_BYTE, bytes - 1));
            arena.close();
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0),
                    "no access after the arena (and the mapping) is gone");
        }
    }

    @Test
    void largeMappingsStartOnA2MiBBoundaryAndSmallOnesOnAPage() {
        assumeTrue(SystemPages.available(), "mmap cannot be called here");
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(0, SystemPages.zeroed(3 * MIB, arena).address() % (2 * MIB));
            assertEquals(0, SystemPages.zeroed(MIB + 1, arena).address() % 4096);
        }
    }

    @Test
    void largeMappingsAreBackedByHugePagesWhereTheKernelOffersThemOnAdvice() throws IOException {
        assumeTrue(SystemPages.available(), "mmap cannot be called here");
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(setting) && !Files.readString(setting).contains("[never]"),
                "transparent huge pages are off on this kernel");
        try (Arena arena = Arena.ofConfined()) {
            OptionalLong huge = anonHugeKiB(touched(SystemPages.zeroed(8 * MIB, arena, true)));
            assertTrue(huge.isPresent(), "the mapping is listed in /proc/self/smaps");
            assertTrue(huge.getAsLong() >= 2048, "AnonHugePages of the mapping: " + huge.getAsLong() + " kB");
        }
    }

    @Test
    void withoutTheAdviceAMappingKeepsSmallPagesWhereTheKernelOnlyGivesHugePagesOnAdvice() throws IOException {
        assumeTrue(SystemPages.available(), "mmap cannot be called here");
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(setting) && Files.readString(setting).contains("[madvise]"),
                "transparent huge pages are not in madvise mode on this kernel");
        try (Arena arena = Arena.ofConfined()) {
            OptionalLong huge = anonHugeKiB(touched(SystemPages.zeroed(8 * MIB, arena, false)));
            assertTrue(huge.isPresent(), "the mapping is listed in /proc/self/smaps");
            assertEquals(0, huge.getAsLong(), "-Ddataloader4j.hugePages=false: no huge pages");
        }
    }

    /** Writes a byte on every page of {@code segment} and returns its address. */
    private static long touched(MemorySegment segment) {
        for (long at = 0; at < segment.byteSize(); at += 4096) {
            segment.set(ValueLayout.JAVA_BYTE, at, (byte) 1);
        }
        return segment.address();
    }

    /** AnonHugePages (kB) of the mapping in /proc/self/smaps that contains {@code address}. */
    private static OptionalLong anonHugeKiB(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String line : lines) {
            if (isRangeLine(line)) {
                long[] range = parseRange(line);
                inside = range[0] <= address && address < range[1];
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
        }
        return OptionalLong.empty();
    }

    private static boolean isRangeLine(String line) {
        return line.matches("^[0-9a-f]+-[0-9a-f]+ .*");
    }

    private static long[] parseRange(String line) {
        String[] bounds = line.substring(0, line.indexOf(' ')).split("-");
        return new long[] {Long.parseUnsignedLong(bounds[0], 16), Long.parseUnsignedLong(bounds[1], 16)};
    }
}
