package org.dataloader4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TarTest {

    private static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Random random = new Random(1);
        for (int size : new int[] {0, 1, 511, 512, 513, 1024, 5000}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            files.put("k" + size + ".bin", data);
        }
        files.put("cat/sub/img_001.jpg", "jpeg".getBytes(StandardCharsets.US_ASCII));
        files.put("a".repeat(100), new byte[] {1});
        files.put("d".repeat(150) + "/" + "n".repeat(99), new byte[] {2, 3});
        return files;
    }

    private static byte[] write(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        for (var e : files.entrySet()) {
            tar.add(e.getKey(), e.getValue());
        }
        tar.finish();
        assertEquals(out.size(), tar.bytesWritten());
        return out.toByteArray();
    }

    private static Map<String, byte[]> read(byte[] archive) throws IOException {
        Map<String, byte[]> got = new LinkedHashMap<>();
        TarReader tar = new TarReader(new ByteArrayInputStream(archive), "test.tar");
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
            byte[] data = tar.read();
            assertEquals(e.size(), data.length);
            got.put(e.name(), data);
        }
        assertNull(tar.next());
        return got;
    }

    private static void assertSame(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), k);
        }
    }

    @Test
    void roundTripsThroughOurReader() throws IOException {
        Map<String, byte[]> files = files();
        byte[] archive = write(files);
        assertEquals(0, archive.length % 512);
        assertSame(files, read(archive));
    }

    @Test
    void isReproducible() throws IOException {
        assertArrayEquals(write(files()), write(files()));
    }

    @Test
    void commonsCompressReadsWhatWeWrite() throws IOException {
        Map<String, byte[]> files = files();
        Map<String, byte[]> got = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(write(files)))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                assertTrue(e.isFile(), e.getName());
                assertEquals(0644, e.getMode());
                got.put(e.getName(), in.readAllBytes());
            }
        }
        assertSame(files, got);
    }

    @Test
    void readsPaxAndGnuLongNamesAndSkipsDirectories() throws IOException {
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("x".repeat(300) + ".jpg", new byte[] {9, 8, 7});
            files.put("short.cls", "3".getBytes(StandardCharsets.US_ASCII));
            if (mode == TarArchiveOutputStream.LONGFILE_POSIX) {
                files.put("ünïcode/名前.png", new byte[700]);   // pax carries the UTF-8 name
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
                out.setLongFileMode(mode);
                out.setAddPaxHeadersForNonAsciiNames(mode == TarArchiveOutputStream.LONGFILE_POSIX);
                TarArchiveEntry dir = new TarArchiveEntry("somedir/");
                out.putArchiveEntry(dir);
                out.closeArchiveEntry();
                for (var e : files.entrySet()) {
                    TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                    entry.setSize(e.getValue().length);
                    out.putArchiveEntry(entry);
                    out.write(e.getValue());
                    out.closeArchiveEntry();
                }
            }
            assertSame(files, read(bytes.toByteArray()));
        }
    }

    @Test
    void skipsDataWithoutReadingIt() throws IOException {
        Map<String, byte[]> files = files();
        TarReader tar = new TarReader(new ByteArrayInputStream(write(files)), "t");
        List<String> names = new ArrayList<>();
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
            names.add(e.name());
            if (names.size() % 2 == 0) {
                tar.skip();
            }   // otherwise next() skips it
        }
        assertEquals(List.copyOf(files.keySet()), names);
    }

    @Test
    void acceptsAnArchiveWithoutEndBlocks() throws IOException {
        byte[] archive = write(Map.of("a.cls", new byte[] {'1'}));
        byte[] cut = Arrays.copyOf(archive, archive.length - 1024);
        assertEquals(1, read(cut).size());
    }

    @Test
    void truncatedArchiveIsAnErrorNamingTheSource() throws IOException {
        byte[] archive = write(files());
        byte[] cut = Arrays.copyOf(archive, 512 + 300);   // inside k0's successor's data
        IOException e = assertThrows(IOException.class, () -> read(Arrays.copyOf(archive, 512 * 3 + 100)));
        assertTrue(e.getMessage().contains("test.tar") && e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(IOException.class, () -> read(Arrays.copyOf(cut, 700)));
    }

    @Test
    void corruptHeaderIsAnError() throws IOException {
        byte[] archive = write(files());
        archive[10] ^= 0x55;   // inside the first name: checksum no longer matches
        IOException e = assertThrows(IOException.class, () -> read(archive));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains("offset 0"), e.getMessage());
        assertThrows(IOException.class, () -> read("not a tar at all, just some text".repeat(40)
                .getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void writerRefusesNamesUstarCannotHold() {
        TarWriter tar = new TarWriter(new ByteArrayOutputStream());
        assertThrows(IllegalArgumentException.class, () -> tar.add("", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> tar.add("é.jpg", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> tar.add("x".repeat(101), new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tar.add("d".repeat(156) + "/" + "n".repeat(10), new byte[0]));
        assertTrue(e.getMessage().contains("ustar"), e.getMessage());
    }

    @Test
    void readerRefusesReadingTwice() throws IOException {
        TarReader tar = new TarReader(new ByteArrayInputStream(write(files())), "t");
        tar.next();
        tar.read();
        assertThrows(IllegalStateException.class, tar::read);
    }

    // ------------------------------------------------------------------ forged headers

    /** A header block for {@code name} whose size field is replaced by {@code sizeField}, with a valid checksum. */
    private static byte[] forged(String name, byte[] sizeField, byte type) {
        byte[] h = TarWriter.header(name, 0);
        System.arraycopy(sizeField, 0, h, 124, 12);
        h[156] = type;
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, h, 148, 6);
        h[154] = 0;
        return h;
    }

    private static byte[] octal(long size) {
        return String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void forgedHugeSizeAllocatesOnlyWhatArrives() throws IOException {
        // claims 2 GiB - 1 KiB but holds 1000 bytes: reading must fail as truncated, not allocate 2 GiB first
        byte[] archive = concat(forged("big.bin", octal(Integer.MAX_VALUE - 1024), (byte) '0'), new byte[1000]);
        TarReader tar = new TarReader(new ByteArrayInputStream(archive), "forged.tar");
        assertEquals(Integer.MAX_VALUE - 1024, tar.next().size());
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        IOException e = assertThrows(IOException.class, tar::read);
        assertTrue(e.getMessage().contains("forged.tar") && e.getMessage().contains("truncated")
                && e.getMessage().contains("big.bin"), e.getMessage());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 256L << 20, "allocated " + (after - before) + " bytes");
    }

    @Test
    void base256SizesThatOverflowOrAreNegativeAreNamedErrors() {
        byte[] overflow = new byte[12];
        Arrays.fill(overflow, (byte) 0x3F);
        overflow[0] = (byte) 0x80 | 0x3F;   // 94 bits of ones: far beyond a long
        byte[] negative = new byte[12];
        Arrays.fill(negative, (byte) 0xFF);  // base-256 -1
        for (byte[] field : new byte[][] {overflow, negative}) {
            byte[] archive = concat(forged("x.bin", field, (byte) '0'), new byte[1024]);
            IOException e = assertThrows(IOException.class,
                    () -> new TarReader(new ByteArrayInputStream(archive), "b256.tar").next());
            assertTrue(e.getMessage().contains("b256.tar") && e.getMessage().contains("offset 0")
                    && e.getMessage().contains("base-256"), e.getMessage());
        }
    }

    private static byte[] paxArchive(String records) {
        byte[] pax = records.getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(pax, (pax.length + 511) / 512 * 512);
        return concat(forged("PaxHeader", octal(pax.length), (byte) 'x'), padded,
                TarWriter.header("data.bin", 3), new byte[] {1, 2, 3}, new byte[509], new byte[1024]);
    }

    @Test
    void malformedPaxRecordsAreNamedErrors() throws IOException {
        for (String records : new String[] {"13 size=lots\n", "20 size=-5000000000\n", "99 path=x\n", "x path=y\n",
                "29 size=99999999999999999999\n"}) {
            IOException e = assertThrows(IOException.class, () -> read(paxArchive(records)), records);
            assertTrue(e.getMessage().contains("test.tar") && e.getMessage().contains("pax header")
                    && e.getMessage().contains("offset 0"), e.getMessage());
        }
        Map<String, byte[]> got = read(paxArchive("24 path=\u00fcber/n\u00e4me.bin\n"));
        assertEquals(List.of("\u00fcber/n\u00e4me.bin"), List.copyOf(got.keySet()));
    }
}
