package dev.smtplab.server.bounce;

/** RFC 3461's xtext, in which ENVID and ORCPT travel: "+" and two hex digits stand for an octet. */
public final class Xtext {
    private Xtext() {
    }

    /** The text decoded; a "+" not followed by two hex digits stays as it is (a client's mistake is shown, not hidden). */
    public static String decode(String xtext) {
        StringBuilder decoded = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+' && isHex(xtext, i + 1) && isHex(xtext, i + 2)) {
                decoded.append((char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }
}
