package org.dataloader4j.vision;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The damaged-JPEG fixtures that {@code make_damaged_jpegs.py} wrote in {@code src/test/resources/damaged_jpeg}: intact
 * JPEGs and damaged copies of them, with what PIL 9.4 did with each (see the script for the format).
 */
public final class DamagedJpegCases {
    private DamagedJpegCases() {
    }

    /** One file and PIL's verdict: accepted with {@code mode}, size and the SHA-256 of its RGB bytes, or refused. */
    public record Case(Path file, boolean accepted, String mode, int width, int height, String rgbSha256,
                       String pilError, String how) {
        @Override
        public String toString() {
            return file.getFileName() + " (" + how + "; PIL " + (accepted ? "accepts it" : "refuses it: " + pilError)
                    + ")";
        }
    }

    /** The folder of the fixtures. */
    public static Path dir() {
        return Path.of("src/test/resources/damaged_jpeg").toAbsolutePath();
    }

    /** Every case of cases.txt. */
    public static List<Case> all() {
        Path dir = dir();
        return Fixtures.lines(dir.resolve("cases.txt")).stream().map(line -> {
            String[] f = line.split(" ");
            Path file = dir.resolve(f[0]);
            return switch (f[1]) {
                case "accept" -> new Case(file, true, f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), f[5],
                        null, f[6].replace('_', ' '));
                case "refuse" -> new Case(file, false, null, 0, 0, null, f[2].replace('_', ' '),
                        f[3].replace('_', ' '));
                default -> throw new IllegalStateException("bad line in cases.txt: " + line);
            };
        }).toList();
    }

    /** The hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
