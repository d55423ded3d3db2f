package dev.smtplab.client.diagnose;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.smtplab.client.send.ConnectFailure;

/** What became of the TCP connection to one host and port. */
public enum ConnectState {
    OPEN("open"),
    /** Nothing listens: the host answered with a reset. */
    REFUSED("refused"),
    /** No answer within the timeout: a firewall drops the traffic. */
    FILTERED("filtered"),
    UNREACHABLE("unreachable"),
    NAME_NOT_FOUND("name not found"),
    FAILED("failed");

    private final String label;

    ConnectState(String label) {
        this.label = label;
    }

    static ConnectState of(ConnectFailure.Kind failure) {
        return switch (failure) {
            case REFUSED -> REFUSED;
            case TIMED_OUT -> FILTERED;
            case NO_ROUTE -> UNREACHABLE;
            case NAME_NOT_FOUND -> NAME_NOT_FOUND;
            case TLS, OTHER -> FAILED;
        };
    }

    /** As the report and the JSON show it. */
    @JsonValue
    public String label() {
        return label;
    }
}
