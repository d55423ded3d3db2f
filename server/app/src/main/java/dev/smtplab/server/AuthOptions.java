package dev.smtplab.server;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Who may log in (AUTH), and whether they must. */
final class AuthOptions {
    @Option(names = "--auth-user", paramLabel = "USER:PASSWORD", split = "\\s+", splitSynopsisLabel = " ", description = "A user who may log in; repeatable.")
    List<String> authUsers = new ArrayList<>();

    @Option(names = "--auth-users-file", paramLabel = "FILE", description = "Users who may log in, one USER:PASSWORD a line.")
    Path authUsersFile;

    @Option(names = "--auth-accept-any", negatable = false, description = "Any user name and password logs in.")
    boolean authAcceptAny;

    @Option(names = "--require-auth", negatable = false,
            description = "MAIL, RCPT and DATA need a logged-in client (530 5.7.0 Authentication required).")
    boolean requireAuth;

    @Option(names = "--auth-allow-plaintext", negatable = false,
            description = "Offer AUTH before STARTTLS too (normally only over TLS).")
    boolean authAllowPlaintext;

    /** True when any option here says who may log in. */
    boolean saysWhoLogsIn() {
        return !authUsers.isEmpty() || authUsersFile != null || authAcceptAny;
    }

    void apply(FakeSmtpServer.Builder builder) {
        for (String user : users()) {
            int colon = user.indexOf(':');
            builder.authUser(user.substring(0, colon), user.substring(colon + 1));
        }
        if (authAcceptAny) {
            builder.authAcceptAny();
        }
        if (requireAuth) {
            if (authUsers.isEmpty() && authUsersFile == null && !authAcceptAny) {
                throw ServerExit.badConfiguration(
                        "--require-auth needs --auth-user, --auth-users-file or --auth-accept-any");
            }
            builder.requireAuth();
        }
        if (authAllowPlaintext) {
            builder.allowPlaintextAuth();
        }
    }

    private List<String> users() {
        List<String> all = new ArrayList<>(authUsers);
        if (authUsersFile != null) {
            try {
                for (String line : Files.readAllLines(authUsersFile)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        all.add(line.trim());
                    }
                }
            } catch (IOException e) {
                throw ServerExit.badConfiguration("--auth-users-file " + authUsersFile + ": cannot read it: "
                        + e.getMessage());
            }
        }
        for (String user : all) {
            if (user.indexOf(':') < 1) {
                throw ServerExit.badConfiguration("auth user \"" + user + "\" is not USER:PASSWORD");
            }
        }
        return all;
    }
}
