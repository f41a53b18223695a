package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reading memory from Linux {@code /proc}: {@link SmapsRollup} parsing a captured file, {@link ProcessFamily}
 * finding a real process tree that the test starts, and {@link MemorySampler} summing that family's PSS.
 * The tests on live processes need Linux's {@code /proc} and are skipped elsewhere.
 */
class ProcMemoryTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ProcMemoryTest.class.getResourceAsStream("/proc/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /proc/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assumeLinuxProc() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps_rollup")),
                "needs Linux /proc/PID/smaps_rollup (kernel 4.14 or newer)");
    }

    @Test
    void smapsRollupGivesRssAndPssInBytes() throws IOException {
        SmapsRollup r = SmapsRollup.parse(resource("smaps_rollup.txt"), "fixture");
        assertEquals(229560L * 1024, r.rssBytes());
        assertEquals(211993L * 1024, r.pssBytes(), "the Pss: line, not Pss_Dirty or Pss_Anon");
    }

    @Test
    void smapsRollupWithoutPssNamesTheFileAndTheLine() throws IOException {
        String noPss = resource("smaps_rollup.txt").replaceAll("(?m)^Pss:.*\n", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SmapsRollup.parse(noPss, "/proc/42/smaps_rollup"));
        assertTrue(e.getMessage().startsWith("/proc/42/smaps_rollup: "), e.getMessage());
        assertTrue(e.getMessage().contains("'Pss:' is missing"), e.getMessage());
    }

    @Test
    void smapsRollupRefusesASizeThatIsNotInKilobytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SmapsRollup.parse("Rss: 12 MB\nPss: 10 kB\n", "odd"));
        assertTrue(e.getMessage().contains("'Rss: 12 MB'"), e.getMessage());
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
                () -> SmapsRollup.parse("Rss: 12 kB\nPss: x kB\n", "odd"));
        assertTrue(notNumber.getMessage().contains("'Pss: x kB'"), notNumber.getMessage());
    }

    @Test
    void smapsRollupOfThisJvmIsReadAndOfAnEndedProcessIsEmpty() throws IOException, InterruptedException {
        assumeLinuxProc();
        SmapsRollup self = SmapsRollup.read(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(self.rssBytes() > 1 << 20, self.toString());
        assertTrue(self.pssBytes() > 0 && self.pssBytes() <= self.rssBytes(), self.toString());
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertEquals(Optional.empty(), SmapsRollup.read(ended.pid()));
    }

    /** Starts {@code sh} with two children, one of which has a child of its own: four processes. */
    private static Process startTree() throws IOException {
        return new ProcessBuilder("sh", "-c", "sh -c 'sleep 60; exit 0' & sleep 60 & wait").start();
    }

    private static void end(Process tree) throws InterruptedException {
        tree.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.destroyForcibly();
        tree.waitFor();
    }

    /** Polls until the family of {@code root} has {@code size} processes (the shell forks asynchronously). */
    private static List<Long> awaitFamily(long root, int size) throws InterruptedException {
        List<Long> family = ProcessFamily.of(root);
        for (int i = 0; i < 200 && family.size() < size; i++) {
            Thread.sleep(50);
            family = ProcessFamily.of(root);
        }
        return family;
    }

    @Test
    void familyOfARealProcessTreeHoldsChildrenAndGrandchildren() throws IOException, InterruptedException {
        assumeLinuxProc();
        Process tree = startTree();
        try {
            List<Long> family = awaitFamily(tree.pid(), 4);
            List<Long> expected = new java.util.ArrayList<>(List.of(tree.pid()));
            tree.descendants().forEach(h -> expected.add(h.pid()));
            assertEquals(4, family.size(), family.toString());
            assertEquals(tree.pid(), family.getFirst(), "the root comes first");
            assertEquals(expected.stream().sorted().toList(), family.stream().sorted().toList());
            assertTrue(ProcessFamily.of(ProcessHandle.current().pid()).containsAll(family),
                    "the tree is also in this JVM's family");
        } finally {
            end(tree);
        }
        assertEquals(List.of(), ProcessFamily.of(tree.pid()), "an ended process has no family");
    }

    @Test
    void samplerSumsTheWholeFamilyButSamplesThisJvmAlone() throws IOException, InterruptedException {
        assumeLinuxProc();
        Process tree = startTree();
        try {
            assertEquals(4, awaitFamily(tree.pid(), 4).size());
            MemorySampler family = MemorySampler.start(tree.pid(), Duration.ofMillis(10));
            MemorySampler self = MemorySampler.startSelf(Duration.ofMillis(10));
            Thread.sleep(100);
            MemorySampler.Peak familyPeak = family.stop();
            MemorySampler.Peak selfPeak = self.stop();

            assertEquals(4, familyPeak.maxProcesses(), familyPeak.toString());
            assertTrue(familyPeak.samples() >= 2, familyPeak.toString());
            assertEquals(null, familyPeak.error());
            assertTrue(familyPeak.samplingMillis() > 0, familyPeak.toString());
            assertTrue(familyPeak.pssSamples() >= 2 && familyPeak.pssSamples() <= familyPeak.samples(),
                    "PSS at the first and the last sample at least: " + familyPeak);
            long rootPss = SmapsRollup.read(tree.pid()).orElseThrow().pssBytes();
            assertTrue(familyPeak.peakPssBytes() > rootPss, "four processes hold more than the root alone: "
                    + familyPeak + " vs the root's " + rootPss);
            assertTrue(familyPeak.peakRssBytes() >= familyPeak.peakPssBytes(), familyPeak.toString());

            assertEquals(1, selfPeak.maxProcesses(), "this JVM has the tree as children, but they are not ours");
            assertTrue(selfPeak.peakPssBytes() > 1 << 20, selfPeak.toString());
            assertTrue(selfPeak.known());
        } finally {
            end(tree);
        }
    }

    @Test
    void samplerOfAnEndedProcessKnowsNothing() throws IOException, InterruptedException {
        assumeLinuxProc();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        MemorySampler.Peak peak = MemorySampler.start(ended.pid(), Duration.ofMillis(5)).stop();
        assertEquals(0, peak.samples());
        assertEquals(0, peak.pssSamples());
        assertEquals(-1, peak.peakPssBytes());
        assertEquals(-1, peak.peakRssBytes());
        assertTrue(!peak.known());
    }

    @Test
    void samplerRefusesANonPositiveInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemorySampler.start(1, Duration.ZERO));
        assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    }

    @Test
    void samplerReadsPssAgainOnlyWhenTheMemoryMayHaveGrown() throws InterruptedException {
        assumeLinuxProc();
        // an idle JVM sampled 30 times: PSS at the first tick, then when RSS grows by 2 % or 10 ticks passed
        MemorySampler sampler = MemorySampler.startSelf(Duration.ofMillis(5));
        Thread.sleep(150);
        MemorySampler.Peak peak = sampler.stop();
        assertTrue(peak.samples() >= 10, peak.toString());
        assertTrue(peak.pssSamples() < peak.samples(), "PSS is not read at every tick: " + peak);
        assertTrue(peak.pssSamples() >= 1 + (peak.samples() - 2) / MemorySampler.PSS_REFRESH_TICKS,
                "PSS is at most " + MemorySampler.PSS_REFRESH_TICKS + " ticks old: " + peak);
    }

    @Test
    void statusFieldIsReadInBytes() {
        String status = "Name:\tjava\nVmHWM:\t  229560 kB\nVmRSS:\t  203000 kB\n";
        assertEquals(203000L * 1024, ProcessMemory.statusField(status, "VmRSS"));
        assertEquals(229560L * 1024, ProcessMemory.statusField(status, "VmHWM"));
        assertEquals(-1, ProcessMemory.statusField(status, "VmSwap"));
        assertTrue(ProcessMemory.rssBytes(ProcessHandle.current().pid()) > 1 << 20);
    }

    @Test
    void machineInfoReadsTheCpuModelMemoryAndLoad() throws IOException {
        assertEquals("AMD EPYC 7B13 64-Core Processor", MachineInfo.cpuModel(resource("cpuinfo.txt")));
        assertEquals("unknown CPU", MachineInfo.cpuModel("processor : 0\n"));
        assertEquals(24641536L * 1024, MachineInfo.memTotal(resource("meminfo.txt")));
        assertEquals(-1, MachineInfo.memTotal(""));
        assertEquals("2.31 3.44 4.65", MachineInfo.loadAverage("2.31 3.44 4.65 3/412 11956\n"));
        assertEquals("unknown", MachineInfo.loadAverage(""));
        String line = new MachineInfo("CPU X", 2, 3L << 30, "1.00 2.00 3.00", "Linux 6 amd64", "25", 512L << 20)
                .describe();
        assertEquals("CPU X, 2 cores, 3.0 GiB memory, Linux 6 amd64, Java 25 (max heap 512 MiB), load average"
                + " 1.00 2.00 3.00", line);
    }

    /**
     * Memory freed into glibc's allocator stays resident while live chunks sit around it; trimming the C heap (as
     * {@code settle()} does between measurements) gives those pages back.
     */
    @Test
    void trimmingTheCHeapGivesFreedMallocMemoryBackToTheSystem() throws Throwable {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc");
        java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        assumeTrue(lookup.find("malloc_trim").isPresent(), "needs glibc's malloc_trim");
        var malloc = linker.downcallHandle(lookup.find("malloc").orElseThrow(), java.lang.foreign.FunctionDescriptor.of(
                java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG));
        var free = linker.downcallHandle(lookup.find("free").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.ADDRESS));
        int chunks = 1024;
        long size = 64 << 10; // under glibc's mmap threshold: from an arena
        java.lang.foreign.MemorySegment[] held = new java.lang.foreign.MemorySegment[chunks];
        try {
            for (int i = 0; i < chunks; i++) {
                held[i] = ((java.lang.foreign.MemorySegment) malloc.invokeExact(size)).reinterpret(size);
                held[i].fill((byte) 1); // resident
            }
            for (int i = 0; i < chunks; i += 2) { // every other chunk: the free ones cannot merge into the top
                free.invokeExact(held[i]);
                held[i] = null;
            }
            long before = ProcessMemory.rssBytes();
            assertTrue(ProcessMemory.trimCHeap(), "glibc has malloc_trim");
            long after = ProcessMemory.rssBytes();
            long freed = chunks / 2 * size;
            assertTrue(before - after > freed / 2, "trimming gave back " + (before - after) + " of the " + freed
                    + " bytes freed (RSS " + before + " -> " + after + ")");
        } finally {
            for (java.lang.foreign.MemorySegment m : held) {
                if (m != null) {
                    free.invokeExact(m);
                }
            }
        }
    }
}
