package dev.smtplab.server.smtp;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * AUTH PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195) against the configured users. Replies carry
 * RFC 4954's enhanced codes. Mechanisms are not offered before STARTTLS unless plaintext AUTH is
 * allowed: EHLO asks {@link #getAuthenticationMechanisms()} on the session's thread, which the
 * command hook marks as plain or TLS first.
 */
final class LabAuthentication implements AuthenticationHandlerFactory {
    static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN", "CRAM-MD5");
    private static final ThreadLocal<Boolean> PLAINTEXT = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuthSettings settings;
    private final String hostName;

    LabAuthentication(AuthSettings settings, String hostName) {
        this.settings = settings;
        this.hostName = hostName;
    }

    /** Marks whether the command being handled on this thread came over plain text. */
    static void plaintext(boolean plaintext) {
        PLAINTEXT.set(plaintext);
    }

    @Override
    public List<String> getAuthenticationMechanisms() {
        return PLAINTEXT.get() && !settings.allowPlaintext() ? List.of() : MECHANISMS;
    }

    @Override
    public AuthenticationHandler create() {
        return new Exchange();
    }

    private boolean valid(String user, String password) {
        if (settings.acceptAny()) {
            return true;
        }
        String expected = settings.users().get(user);
        return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
    }

    /** One AUTH exchange: its mechanism, the step it is at, and the user once known. */
    private final class Exchange implements AuthenticationHandler {
        private String mechanism;
        private String user;
        private String challenge;

        @Override
        public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
            if (mechanism == null) {
                String[] words = clientInput.trim().split("\\s+");
                mechanism = words[1].toUpperCase(Locale.ROOT);
                String initial = words.length > 2 ? words[2] : null;
                return switch (mechanism) {
                    case "PLAIN" -> initial == null ? Optional.of("334 ") : plain(initial);
                    case "LOGIN" -> {
                        if (initial == null) {
                            yield Optional.of("334 VXNlcm5hbWU6");
                        }
                        user = decode(initial);
                        yield Optional.of("334 UGFzc3dvcmQ6");
                    }
                    case "CRAM-MD5" -> {
                        challenge = "<" + Long.toUnsignedString(RANDOM.nextLong()) + "." + System.currentTimeMillis()
                                + "@" + hostName + ">";
                        yield Optional.of("334 " + Base64.getEncoder().encodeToString(
                                challenge.getBytes(StandardCharsets.US_ASCII)));
                    }
                    default -> throw new RejectException(504, "5.5.4 Unrecognized authentication type");
                };
            }
            return switch (mechanism) {
                case "PLAIN" -> plain(clientInput.trim());
                case "LOGIN" -> {
                    if (user == null) {
                        user = decode(clientInput.trim());
                        yield Optional.of("334 UGFzc3dvcmQ6");
                    }
                    check(user, decode(clientInput.trim()));
                    yield Optional.empty();
                }
                default -> cramMd5(decode(clientInput.trim()));
            };
        }

        private Optional<String> plain(String base64) throws RejectException {
            String[] parts = decode(base64).split("\0", -1);
            if (parts.length != 3) {
                throw new RejectException(501, "5.5.2 AUTH PLAIN wants authzid NUL user NUL password");
            }
            user = parts[1];
            check(user, parts[2]);
            return Optional.empty();
        }

        private Optional<String> cramMd5(String answer) throws RejectException {
            int space = answer.lastIndexOf(' ');
            if (space < 1) {
                throw new RejectException(501, "5.5.2 CRAM-MD5 wants \"user digest\"");
            }
            user = answer.substring(0, space);
            String digest = answer.substring(space + 1).toLowerCase(Locale.ROOT);
            String password = settings.users().get(user);
            boolean ok = settings.acceptAny() || (password != null
                    && MessageDigest.isEqual(hmacMd5(password, challenge).getBytes(StandardCharsets.US_ASCII),
                    digest.getBytes(StandardCharsets.US_ASCII)));
            if (!ok) {
                throw new RejectException(535, "5.7.8 Authentication credentials invalid");
            }
            return Optional.empty();
        }

        private void check(String user, String password) throws RejectException {
            if (!valid(user, password)) {
                throw new RejectException(535, "5.7.8 Authentication credentials invalid");
            }
        }

        @Override
        public Object getIdentity() {
            return user;
        }
    }

    private static String decode(String base64) throws RejectException {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RejectException(501, "5.5.2 Cannot decode the base64 answer");
        }
    }

    private static String hmacMd5(String key, String challenge) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            return HexFormat.of().formatHex(mac.doFinal(challenge.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is missing from this Java", e);
        }
    }
}
