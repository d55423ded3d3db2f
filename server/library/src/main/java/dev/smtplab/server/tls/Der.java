package dev.smtplab.server.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The few pieces of ASN.1 DER (ITU-T X.690) that making a certificate and reading a PEM key need.
 * The JDK signs and parses certificates but has no public API to build one; a library for it
 * (BouncyCastle) would add 10 MB to every user's test class path.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... elements) {
        return tagged(SEQUENCE, concat(elements));
    }

    static byte[] integer(BigInteger value) {
        return tagged(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tagged(0x01, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] nullValue() {
        return new byte[] {0x05, 0x00};
    }

    static byte[] octetString(byte[] content) {
        return tagged(OCTET_STRING, content);
    }

    /** A bit string whose last {@code unusedBits} bits are padding. */
    static byte[] bitString(byte[] bits, int unusedBits) {
        byte[] content = new byte[bits.length + 1];
        content[0] = (byte) unusedBits;
        System.arraycopy(bits, 0, content, 1, bits.length);
        return tagged(BIT_STRING, content);
    }

    /** An explicit context-specific tag around a value: {@code [n] EXPLICIT}. */
    static byte[] explicit(int number, byte[] value) {
        return tagged(0xa0 | number, value);
    }

    /** An implicit, primitive context-specific tag: {@code [n] IMPLICIT} of a primitive type. */
    static byte[] implicitPrimitive(int number, byte[] content) {
        return tagged(0x80 | number, content);
    }

    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(parts[0]) * 40 + Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            base128(out, Long.parseLong(parts[i]));
        }
        return tagged(OBJECT_IDENTIFIER, out.toByteArray());
    }

    /** UTCTime through 2049, GeneralizedTime after, as RFC 5280 (4.1.2.5) asks. */
    static byte[] time(ZonedDateTime when) {
        ZonedDateTime utc = when.withZoneSameInstant(ZoneOffset.UTC);
        if (utc.getYear() < 2050) {
            return tagged(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tagged(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int group = (int) ((value >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? group : group | 0x80);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One decoded element: its tag, and its content octets. */
    record Element(int tag, byte[] content) {
        /** The elements inside a constructed element (a SEQUENCE, or an explicit tag). */
        List<Element> children() {
            return readAll(content);
        }
    }

    /** Decodes the elements that follow each other in {@code bytes}. */
    static List<Element> readAll(byte[] bytes) {
        List<Element> elements = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int tag = bytes[at++] & 0xff;
            if (at >= bytes.length) {
                throw new IllegalArgumentException("truncated DER: no length after tag " + tag);
            }
            int length = bytes[at++] & 0xff;
            if (length >= 0x80) {
                int octets = length & 0x7f;
                if (octets == 0 || octets > 3 || at + octets > bytes.length) {
                    throw new IllegalArgumentException("unsupported DER length encoding");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (bytes[at++] & 0xff);
                }
            }
            if (at + length > bytes.length) {
                throw new IllegalArgumentException("truncated DER: element longer than its input");
            }
            byte[] content = new byte[length];
            System.arraycopy(bytes, at, content, 0, length);
            elements.add(new Element(tag, content));
            at += length;
        }
        return elements;
    }

    /** Decodes exactly one element. */
    static Element read(byte[] bytes) {
        List<Element> all = readAll(bytes);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER element, found " + all.size());
        }
        return all.get(0);
    }
}
