package org.dataloader4j.io;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixtures of {@code src/test/resources/npy} (made by make_fixtures.py) and hand-made broken files. */
final class NpyFixtures {
    private NpyFixtures() {
    }

    static Path fixture(String name) {
        URL url = NpyFixtures.class.getResource("/npy/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test fixture npy/" + name + "; run make_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of element {@code flat} (0..23) of the fixture arrays, as make_fixtures.py defines them. */
    static double expected(String kind, int itemSize, int flat) {
        return switch (kind) {
            case "b" -> flat % 3 == 0 ? 1 : 0;
            case "i" -> flat - 10;
            case "u" -> flat < 23 ? flat : switch (itemSize) {
                case 1 -> 255;
                case 2 -> 65535;
                case 4 -> 4294967295.0;
                default -> Long.MAX_VALUE;
            };
            default -> flat * 0.25 - 3;
        };
    }

    /** A version 1.0 file with the given header text (padded and newline-terminated) followed by {@code data}. */
    static Path withHeader(Path dir, String name, String dict, byte[] data) throws IOException {
        String header = dict;
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) text.length).put(text).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }
}
