package org.dataloader4j.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small parser for the Python literals that a {@code .npy} header is made of: a dict with string
 * keys whose values are strings, {@code True}/{@code False}/{@code None}, integers (an old {@code L}
 * suffix allowed), tuples and lists. Strings become {@link String}, integers {@link BigInteger},
 * tuples and lists {@link List}, dicts {@link Map} (in source order). Anything else is an error that
 * says where.
 */
final class PyLiteral {
    /**
     * Longest integer literal accepted: far more than any count or size (a {@code long} has 19 digits), so that a
     * too-large shape is reported with its value, but short enough that parsing costs nothing.
     */
    static final int MAX_DIGITS = 100;

    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** Thrown for text that is not a literal of the supported kind; the message says where and why. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    /** Parses {@code text}, which must hold exactly one literal (surrounding whitespace allowed). */
    static Object parse(String text) throws SyntaxError {
        PyLiteral p = new PyLiteral(text);
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the literal");
        }
        return value;
    }

    private SyntaxError error(String what) {
        int from = Math.max(0, pos - 20);
        int to = Math.min(text.length(), pos + 20);
        return new SyntaxError(what + " at character " + pos + " near \"" + text.substring(from, to).replace("\n", "\\n")
                + "\"");
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private Object value(int depth) throws SyntaxError {
        if (depth > 32) {
            throw error("literal nested too deeply");
        }
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end of header, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> dict(depth);
            case '(' -> sequence(')', depth);
            case '[' -> sequence(']', depth);
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
                    yield integer();
                }
                if (Character.isLetter(c)) {
                    yield name();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> dict(int depth) throws SyntaxError {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            Object key = value(depth + 1);
            if (!(key instanceof String s)) {
                throw error("dict keys must be strings");
            }
            skipSpace();
            expect(':');
            Object v = value(depth + 1);
            if (map.put(s, v) != null) {
                throw error("duplicate key '" + s + "'");
            }
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c != '}') {
                throw error("expected ',' or '}' in dict");
            }
        }
    }

    private List<Object> sequence(char close, int depth) throws SyntaxError {
        pos++; // '(' or '['
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(value(depth + 1));
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c != close) {
                throw error("expected ',' or '" + close + "'");
            }
        }
    }

    private String string() throws SyntaxError {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\n') {
                throw error("line break inside a string");
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '\\', '\'', '"' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case 'x' -> {
                        if (pos + 2 > text.length()) {
                            throw error("truncated \\x escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 2), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\x escape");
                        }
                        pos += 2;
                    }
                    default -> throw error("unsupported escape \\" + e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private BigInteger integer() throws SyntaxError {
        int start = pos;
        if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == digits) {
            throw error("expected digits");
        }
        if (pos - digits > MAX_DIGITS) {
            int length = pos - digits;
            pos = start;
            throw error("integer of " + length + " digits is too large (at most " + MAX_DIGITS + " digits)");
        }
        BigInteger value = new BigInteger(text.substring(start, pos).replace("+", ""));
        if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
            pos++; // Python 2 long suffix, written by old NumPy versions
        }
        if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            throw error("expected an integer");
        }
        return value;
    }

    private Object name() throws SyntaxError {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String word = text.substring(start, pos);
        return switch (word) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> {
                pos = start;
                throw error("unexpected name '" + word + "'");
            }
        };
    }

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private char peek() throws SyntaxError {
        if (pos >= text.length()) {
            throw error("unexpected end of header");
        }
        return text.charAt(pos);
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }
}
