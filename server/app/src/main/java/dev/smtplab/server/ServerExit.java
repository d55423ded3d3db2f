package dev.smtplab.server;

/** How the server process ends; the help's exit code list is built from these. */
enum ServerExit {
    STOPPED(0, "stopped cleanly (Ctrl-C)"),
    START_FAILED(1, "could not start (for example, the port is in use)"),
    BAD_CONFIGURATION(2, "bad command line, preset or rules file");

    final int code;
    final String meaning;

    ServerExit(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The server cannot run as asked; the message is one line for the user, the exit says why. */
    static final class Failure extends RuntimeException {
        final ServerExit exit;

        Failure(ServerExit exit, String message) {
            super(message);
            this.exit = exit;
        }
    }

    static Failure badConfiguration(String message) {
        return new Failure(BAD_CONFIGURATION, message);
    }

    static Failure startFailed(String message) {
        return new Failure(START_FAILED, message);
    }
}
