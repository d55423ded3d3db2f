package dev.smtplab.client.protocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

/** The client's answers in an AUTH exchange, base64-encoded as they go on the wire. */
public final class Sasl {
    private Sasl() {
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** AUTH PLAIN's response (RFC 4616): no authorization identity, the user, the password. */
    public static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    /** CRAM-MD5's response (RFC 2195) to the server's base64 challenge: the user and the HMAC-MD5 of the challenge. */
    public static String cramMd5(String user, String password, String base64Challenge) {
        String challenge = new String(Base64.getDecoder().decode(base64Challenge), StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            return base64(user + " " + HexFormat.of().formatHex(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is missing from this Java", e);
        }
    }
}
