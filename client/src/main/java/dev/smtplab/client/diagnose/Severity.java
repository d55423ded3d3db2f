package dev.smtplab.client.diagnose;

/** How bad a finding is; the worst one decides the exit code. */
public enum Severity {
    /** Worth knowing; nothing to fix. Exit 0. */
    INFO(0),
    /** Works, but not as it should. Exit 10. */
    WARNING(10),
    /** Something a sender will trip over. Exit 11. */
    ERROR(11),
    /** Mail cannot get through this way at all. Exit 12. */
    CRITICAL(12);

    private final int exitCode;

    Severity(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
