package dev.smtplab.server.record;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links and one-time codes a message carries, as a test needs them to follow a sign-up link or
 * type a login code: read from the text and the HTML body after MIME decoding (quoted-printable,
 * base64, charsets), with HTML entities decoded, so {@code &amp;} in an href is the {@code &} a
 * browser would follow.
 */
public final class MessageLinks {
    /** A code is 4 to 8 digits standing alone: not part of a longer number, a URL or a word. */
    public static final Pattern DEFAULT_CODE = Pattern.compile("(?<![\\w./-])\\d{4,8}(?![\\w/-]|[.,]\\d)");

    private static final Pattern URL_IN_TEXT = Pattern.compile("https?://[^\\s<>\"'`]+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HREF = Pattern.compile(
            "<a\\b[^>]*?\\bhref\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG_OR_HIDDEN = Pattern.compile(
            "(?is)<(script|style|head)\\b.*?</\\1\\s*>|<!--.*?-->|<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED_ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", "\u00a0");
    /** Punctuation that ends a sentence rather than a URL written in running text. */
    private static final String TRAILING = ".,;:!?)]}";

    private final String text;
    private final String htmlAsText;
    private final List<String> links;

    private MessageLinks(String text, String html) {
        this.text = text == null ? "" : text;
        this.htmlAsText = html == null ? "" : decodeEntities(TAG_OR_HIDDEN.matcher(html).replaceAll(" "));
        Set<String> found = new LinkedHashSet<>();
        if (html != null) {
            Matcher href = HREF.matcher(html);
            while (href.find()) {
                String value = href.group(1) != null ? href.group(1) : href.group(2) != null ? href.group(2)
                        : href.group(3);
                String link = decodeEntities(value).trim();
                if (link.regionMatches(true, 0, "http://", 0, 7) || link.regionMatches(true, 0, "https://", 0, 8)) {
                    found.add(link);
                }
            }
        }
        urlsIn(this.text, found);
        urlsIn(this.htmlAsText, found);
        this.links = List.copyOf(found);
    }

    public static MessageLinks of(RecordedMessage message) {
        MessageParts parts = MessageParts.of(message);
        return new MessageLinks(parts.text().orElse(null), parts.html().orElse(null));
    }

    /** Every http and https link, in the order met (HTML hrefs first, then links written as text), once each. */
    public List<String> links() {
        return links;
    }

    /** The first link in which the regular expression finds a match: {@code firstLink("/confirm\\?token=")}. */
    public Optional<String> firstLink(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return links.stream().filter(link -> pattern.matcher(link).find()).findFirst();
    }

    /** The codes found with {@link #DEFAULT_CODE}, in order, once each. */
    public List<String> codes() {
        return codes(DEFAULT_CODE);
    }

    /**
     * What the pattern finds in the readable text of the message (the text body, then the HTML body
     * without its tags), links taken out first so a token in a URL is not a code. A pattern with a
     * group gives the group: {@code Pattern.compile("code: ([A-Z0-9]{6})")}.
     */
    public List<String> codes(Pattern pattern) {
        Set<String> found = new LinkedHashSet<>();
        for (String source : List.of(text, htmlAsText)) {
            Matcher matcher = pattern.matcher(URL_IN_TEXT.matcher(source).replaceAll(" "));
            while (matcher.find()) {
                found.add(matcher.groupCount() > 0 && matcher.group(1) != null ? matcher.group(1) : matcher.group());
            }
        }
        return new ArrayList<>(found);
    }

    /** The first code, as in {@link #codes()}. */
    public Optional<String> code() {
        return codes().stream().findFirst();
    }

    /**
     * The text codes are looked for in: the text body and the HTML body's text, links taken out.
     * For callers with a pattern engine of their own.
     */
    public String searchableText() {
        return URL_IN_TEXT.matcher(text + "\n" + htmlAsText).replaceAll(" ");
    }

    private static void urlsIn(String source, Set<String> found) {
        Matcher url = URL_IN_TEXT.matcher(source);
        while (url.find()) {
            String link = url.group();
            while (!link.isEmpty() && TRAILING.indexOf(link.charAt(link.length() - 1)) >= 0) {
                link = link.substring(0, link.length() - 1);
            }
            found.add(link);
        }
    }

    static String decodeEntities(String html) {
        Matcher entity = ENTITY.matcher(html);
        StringBuilder decoded = new StringBuilder();
        while (entity.find()) {
            String name = entity.group(1);
            String replacement;
            if (name.startsWith("#x") || name.startsWith("#X")) {
                replacement = codePoint(Integer.parseInt(name.substring(2), 16), entity.group());
            } else if (name.startsWith("#")) {
                replacement = codePoint(Integer.parseInt(name.substring(1)), entity.group());
            } else {
                replacement = NAMED_ENTITIES.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), entity.group());
            }
            entity.appendReplacement(decoded, Matcher.quoteReplacement(replacement));
        }
        entity.appendTail(decoded);
        return decoded.toString();
    }

    private static String codePoint(int value, String asWritten) {
        return Character.isValidCodePoint(value) ? new String(Character.toChars(value)) : asWritten;
    }
}
