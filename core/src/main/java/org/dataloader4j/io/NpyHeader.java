package org.dataloader4j.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;

/**
 * What the header of a {@code .npy} file says: format version, NumPy dtype descriptor, memory order
 * and shape, and where the data starts. {@link Npy#header(java.nio.file.Path)} reads it without
 * touching the data, which is how to look at a file before deciding to {@linkplain Npy#read read} or
 * {@linkplain Npy#mmap map} it.
 *
 * <pre>{@code
 * NpyHeader h = Npy.header(Path.of("features.npy"));
 * h.shape();          // [1000000, 256]
 * h.descr();          // "<f4"
 * h.dtype();          // FLOAT32: what Npy.read produces
 * h.isMappable();     // true: Npy.mmap can serve it without conversion
 * }</pre>
 *
 * @param majorVersion format version, 1, 2 or 3 (2 and 3 have a 4-byte header length, 3 a UTF-8 header)
 * @param minorVersion always 0 in files written by NumPy
 * @param descr        the dtype descriptor as written, e.g. {@code "<f4"}, {@code "|u1"}, {@code ">i8"}
 * @param fortranOrder true if the data is stored column-major
 * @param shape        the array's dimensions (a copy is returned)
 * @param dataOffset   the byte offset of the first element, counted from the start of the {@code .npy} data
 */
public record NpyHeader(int majorVersion, int minorVersion, String descr, boolean fortranOrder, long[] shape,
                        long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("([<>|=]?)([a-zA-Z?])(\\d*)");
    /** Headers larger than this are refused (NumPy writes a few hundred bytes; this bounds the allocation). */
    static final int MAX_HEADER_BYTES = 1 << 20;

    /** Validates the fields and copies the shape. */
    public NpyHeader {
        shape = shape.clone();
        parseDescr(descr, "header");
    }

    /**
     * {@return the array's shape, a copy}
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the shape as a {@link Shape}} */
    public Shape toShape() {
        return Shape.of(shape);
    }

    /** {@return number of elements: the product of the shape} */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** {@return bytes per element in the file} */
    public int itemSize() {
        return type().size;
    }

    /** {@return bytes of array data the header announces: {@code numel × itemSize}} */
    public long dataBytes() {
        return Math.multiplyExact(numel(), (long) itemSize());
    }

    /** {@return numPy's name of the element type, e.g} {@code "uint16"} (byte order not included). */
    public String numpyType() {
        return type().numpyName();
    }

    /**
     * {@return the dtype {@link Npy#read} produces for this file: the same type where dataloader4j has it, else the
     * smallest that holds every value exactly (int8 → INT16, uint16 → INT32, uint32 → INT64, uint64 → INT64 when every
     * value fits, float16 → FLOAT32)}
     */
    public DType dtype() {
        return type().target;
    }

    /** {@return true if the data is little endian (or single-byte, where order does not matter)} */
    public boolean isLittleEndian() {
        return type().size == 1 || byteOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * {@return true if {@link Npy#mmap} can serve this file: C order (or at most one dimension), and an element type
     * whose bytes in the file are exactly those of a {@link DType} in this machine's byte order}
     */
    public boolean isMappable() {
        return (!fortranOrder || shape.length <= 1) && type().sameLayout && (type().size == 1 || byteOrder() == ByteOrder.nativeOrder());
    }

    NpyType type() {
        return parseDescr(descr, "header").type();
    }

    ByteOrder byteOrder() {
        return parseDescr(descr, "header").order();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && majorVersion == h.majorVersion && minorVersion == h.minorVersion
                && descr.equals(h.descr) && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape)
                && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return (descr.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(dataOffset);
    }

    /** For example {@code NpyHeader(v1.0, '<f4', C order, shape [3, 4], data at 128)}. */
    @Override
    public String toString() {
        return "NpyHeader(v" + majorVersion + "." + minorVersion + ", '" + descr + "', "
                + (fortranOrder ? "Fortran" : "C") + " order, shape " + Arrays.toString(shape) + ", data at "
                + dataOffset + ")";
    }

    // ------------------------------------------------------------------ parsing

    record Descr(NpyType type, ByteOrder order) {
    }

    /**
     * Parses a dtype descriptor such as {@code <f4}.
     *
     * @throws IllegalArgumentException naming {@code where} and listing what is supported
     */
    static Descr parseDescr(String descr, String where) {
        Matcher m = DESCR.matcher(descr == null ? "" : descr);
        NpyType type = null;
        if (m.matches()) {
            char kind = m.group(2).charAt(0);
            int size;
            try {
                size = m.group(3).isEmpty() ? (kind == '?' || kind == 'b' ? 1 : -1) : Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                size = -1;
            }
            type = NpyType.find(kind == '?' ? 'b' : kind, size);
            if (type != null) {
                String o = m.group(1);
                ByteOrder order = switch (o) {
                    case ">" -> ByteOrder.BIG_ENDIAN;
                    case "<" -> ByteOrder.LITTLE_ENDIAN;
                    default -> ByteOrder.nativeOrder(); // '=', '|' or none
                };
                if (o.equals("|") && type.size > 1) {
                    throw new IllegalArgumentException(where + ": dtype descriptor '" + descr
                            + "' has no byte order ('|') but elements of " + type.size + " bytes");
                }
                return new Descr(type, order);
            }
        }
        throw new IllegalArgumentException(where + ": unsupported dtype descriptor '" + descr + "'; expected one of"
                + " bool (|b1), int8/16/32/64 (i1, <i2, <i4, <i8), uint8/16/32/64 (|u1, <u2, <u4, <u8) or"
                + " float16/32/64 (<f2, <f4, <f8), little ('<') or big ('>') endian");
    }

    /**
     * Reads and validates the header at the current position of {@code in}, leaving it at the first data
     * byte.
     *
     * @param available bytes the source holds from its start (the file's size), or -1 if unknown
     * @param name      the file (and member) to name in messages
     */
    static NpyHeader read(ReadableByteChannel in, long available, String name) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(8);
        readFully(in, pre, name, "the magic string and version");
        byte[] magic = Arrays.copyOf(pre.array(), 6);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyFormatException(name + ": not a .npy file: expected the magic string \\x93NUMPY at the start,"
                    + " but found " + printable(magic));
        }
        int major = Byte.toUnsignedInt(pre.get(6));
        int minor = Byte.toUnsignedInt(pre.get(7));
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(name + ": unsupported .npy format version " + major + "." + minor
                    + "; expected 1.0, 2.0 or 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer len = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, len, name, "the header length");
        long headerLength = major == 1 ? Short.toUnsignedInt(len.getShort(0)) : Integer.toUnsignedLong(len.getInt(0));
        long preamble = 8L + lengthBytes;
        if (available >= 0 && preamble + headerLength > available) {
            throw new NpyFormatException(name + ": the header claims " + headerLength + " bytes, but the file has only "
                    + Math.max(0, available - preamble) + " bytes after the " + preamble + "-byte preamble");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyFormatException(name + ": the header claims " + headerLength + " bytes, too large: headers"
                    + " of at most " + MAX_HEADER_BYTES + " bytes are read (NumPy writes a few hundred)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(in, headerBytes, name, "the header (" + headerLength + " bytes)");
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new NpyFormatException(name + ": the version 3.0 header is not valid UTF-8", e);
            }
        } else {
            text = new String(headerBytes.array(), StandardCharsets.ISO_8859_1);
        }
        return parse(text, major, minor, preamble + headerLength, available, name);
    }

    private static NpyHeader parse(String text, int major, int minor, long dataOffset, long available, String name)
            throws NpyFormatException {
        Object literal;
        try {
            literal = PyLiteral.parse(text);
        } catch (PyLiteral.SyntaxError e) {
            throw new NpyFormatException(name + ": malformed header: " + e.getMessage()
                    + "; expected a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }");
        }
        if (!(literal instanceof Map<?, ?> dict)) {
            throw new NpyFormatException(name + ": malformed header: expected a dict with keys 'descr', 'fortran_order'"
                    + " and 'shape', but got " + text.strip());
        }
        for (Object key : dict.keySet()) {
            if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                throw new NpyFormatException(name + ": malformed header: unexpected key '" + key
                        + "'; expected only 'descr', 'fortran_order' and 'shape'");
            }
        }
        Object descr = require(dict, "descr", name);
        Object fortran = require(dict, "fortran_order", name);
        Object shapeValue = require(dict, "shape", name);
        if (descr instanceof List<?>) {
            throw new NpyFormatException(name + ": unsupported dtype " + describe(descr)
                    + " (structured or nested dtypes are not supported); expected a simple descriptor such as '<f4'");
        }
        if (!(descr instanceof String d)) {
            throw new NpyFormatException(name + ": malformed header: 'descr' must be a string such as '<f4', but is "
                    + describe(descr));
        }
        if (!(fortran instanceof Boolean f)) {
            throw new NpyFormatException(name + ": malformed header: 'fortran_order' must be True or False, but is "
                    + describe(fortran));
        }
        if (!(shapeValue instanceof List<?> dims)) {
            throw new NpyFormatException(name + ": malformed header: 'shape' must be a tuple of non-negative integers,"
                    + " but is " + describe(shapeValue));
        }
        if (dims.size() > 64) {
            throw new NpyFormatException(name + ": malformed header: 'shape' has " + dims.size()
                    + " dimensions; at most 64 are supported");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof BigInteger b) || b.signum() < 0) {
                throw new NpyFormatException(name + ": malformed header: dimension " + i + " of 'shape' must be a"
                        + " non-negative integer, but is " + describe(dims.get(i)) + " in " + describe(shapeValue));
            }
            if (b.bitLength() > 63) {
                throw new NpyFormatException(name + ": dimension " + i + " of 'shape' is too large: " + b + " in "
                        + describe(shapeValue) + "; a dimension can be at most " + Long.MAX_VALUE + " (2^63 - 1)");
            }
            shape[i] = b.longValueExact();
        }
        Descr parsed;
        try {
            parsed = parseDescr(d, name);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(e.getMessage());
        }
        requireAddressable(shape, parsed.type(), name);
        NpyHeader header = new NpyHeader(major, minor, d, f, shape, dataOffset);
        long bytes = header.dataBytes();
        if (available >= 0 && available - dataOffset < bytes) {
            throw new NpyFormatException(name + ": truncated data: the header says shape " + Arrays.toString(shape)
                    + " of " + parsed.type().numpyName() + " ('" + d + "'), which needs " + bytes
                    + " bytes after the header, but the file has only " + (available - dataOffset));
        }
        return header;
    }

    /**
     * Refuses a shape whose bytes, in the file or in the tensor {@link Npy#read} makes (which may be twice as wide),
     * do not fit in a {@code long}: no memory could hold them, and the sizes computed from them would overflow.
     */
    private static void requireAddressable(long[] shape, NpyType type, String name) throws NpyFormatException {
        BigInteger numel = BigInteger.ONE;
        for (long d : shape) {
            numel = numel.multiply(BigInteger.valueOf(d));
        }
        int widest = Math.max(type.size, type.target.byteSize());
        BigInteger bytes = numel.multiply(BigInteger.valueOf(widest));
        if (bytes.bitLength() > 63) {
            throw new NpyFormatException(name + ": shape " + Arrays.toString(shape) + " of " + type.numpyName()
                    + " is too large: " + numel + " elements of " + widest + " bytes (as read) make " + bytes
                    + " bytes, more than 2^63 bytes; at most " + Long.MAX_VALUE + " bytes can be addressed");
        }
    }

    private static Object require(Map<?, ?> dict, String key, String name) throws NpyFormatException {
        if (!dict.containsKey(key)) {
            throw new NpyFormatException(name + ": malformed header: the key '" + key + "' is missing; expected"
                    + " 'descr', 'fortran_order' and 'shape'");
        }
        return dict.get(key);
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(describe(list.get(i)));
            }
            return sb.append(")").toString();
        }
        if (value instanceof Map<?, ?>) {
            return "a dict";
        }
        return String.valueOf(value);
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int v = Byte.toUnsignedInt(b);
            sb.append(v >= 0x20 && v < 0x7f ? String.valueOf((char) v) : String.format("\\x%02x", v));
        }
        return sb.toString();
    }

    static void readFully(ReadableByteChannel in, ByteBuffer buffer, String name, String what) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new NpyFormatException(name + ": truncated file: it ends inside " + what);
            }
        }
    }
}
