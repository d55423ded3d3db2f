package dev.smtplab.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SMTP Lab's Docker image as a Testcontainers container: point the code under test at
 * {@link #smtpHost()}:{@link #smtpPort()}, then read what arrived through {@link #api()}.
 *
 * <pre>{@code
 * @Container
 * static SmtpLabContainer smtp = new SmtpLabContainer("smtplab:latest").withPreset("greylist");
 *
 * mailer.send(smtp.smtpHost(), smtp.smtpPort(), "bob@example.test");
 * ReceivedMessage message = smtp.awaitMessage("bob@example.test", Duration.ofSeconds(10));
 * }</pre>
 */
public class SmtpLabContainer extends GenericContainer<SmtpLabContainer> {
    public static final int SMTP_PORT = 2525;
    /** Implicit TLS (SMTPS), with a certificate from the container's own CA. */
    public static final int SMTPS_PORT = 2465;
    public static final int WEB_PORT = 8025;
    private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:]+]?");

    private final StringBuilder presets = new StringBuilder();

    /** The image built from SMTP Lab's {@code docker/Dockerfile}, such as {@code "smtplab:latest"}. */
    public SmtpLabContainer(String image) {
        this(DockerImageName.parse(image));
    }

    public SmtpLabContainer(DockerImageName image) {
        super(image);
        withExposedPorts(SMTP_PORT, SMTPS_PORT, WEB_PORT);
        waitingFor(Wait.forHttp("/healthz").forPort(WEB_PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofSeconds(60)));
    }

    /**
     * A failure preset from the start, as {@code SMTPLAB_PRESET}: {@code "greylist"},
     * {@code "unknown-recipient:addresses=bob@example.test"}. Call it again for more.
     */
    public SmtpLabContainer withPreset(String preset) {
        if (preset.isBlank() || preset.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a preset is one word with its parameters, without spaces: \""
                    + preset + "\"");
        }
        presets.append(presets.length() == 0 ? "" : " ").append(preset);
        return withEnv("SMTPLAB_PRESET", presets.toString());
    }

    /** Any server option, as its environment variable: {@code withOption("max-message-size", "1MB")}. */
    public SmtpLabContainer withOption(String option, String value) {
        return withEnv("SMTPLAB_" + option.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), value);
    }

    @Override
    protected void configure() {
        // The web UI answers only to IP addresses, localhost and names it is given (DNS rebinding):
        // a Docker host reached by name must be named.
        String host = getHost();
        if (!host.equals("localhost") && !IP_ADDRESS.matcher(host).matches()) {
            withEnv("SMTPLAB_WEB_HOST", host);
        }
    }

    public String smtpHost() {
        return getHost();
    }

    public int smtpPort() {
        return getMappedPort(SMTP_PORT);
    }

    public int smtpsPort() {
        return getMappedPort(SMTPS_PORT);
    }

    /** The web UI and REST API, such as {@code http://127.0.0.1:32768}. */
    public String apiUrl() {
        String host = getHost();
        return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + getMappedPort(WEB_PORT);
    }

    public SmtpLabApi api() {
        return SmtpLabApi.at(apiUrl());
    }

    /** See {@link SmtpLabApi#awaitMessage}. */
    public ReceivedMessage awaitMessage(String to, Duration timeout) {
        return api().awaitMessage(to, timeout);
    }

    public List<ReceivedMessage> messages() {
        return api().messages();
    }

    /** A preset turned on now, through the API; see {@link #withPreset} for the start. */
    public SmtpLabContainer preset(String name, String parameters) {
        api().preset(name, parameters);
        return this;
    }

    public SmtpLabContainer addRule(String ruleJson) {
        api().addRule(ruleJson);
        return this;
    }

    public SmtpLabContainer resetFailures() {
        api().resetFailures();
        return this;
    }
}
