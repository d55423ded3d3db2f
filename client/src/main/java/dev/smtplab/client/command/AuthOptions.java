package dev.smtplab.client.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.Console;

/**
 * --auth-user and --auth-password, the same for every command: the password from the option,
 * from SMTPLAB_AUTH_PASSWORD, or typed at a hidden prompt (never echoed, never in the shell's history).
 */
public final class AuthOptions {
    static final String PASSWORD_VARIABLE = "SMTPLAB_AUTH_PASSWORD";

    private CommandSpec command;
    private String user;
    private char[] password;

    /** Adds --auth-user and --auth-password to the command (declared in code: see {@link CodeOptions}). */
    void addTo(CommandSpec command) {
        this.command = command;
        command.addOption(CodeOptions.value("--auth-user", String.class, "USER", "Log in (AUTH) as this user.",
                () -> user, value -> user = value).build());
        command.addOption(CodeOptions.value("--auth-password", char[].class, "PASSWORD", "The password; without a "
                        + "value, or when neither this nor " + PASSWORD_VARIABLE + " is set, it is asked for on the terminal.",
                () -> password, value -> password = value)
                .arity("0..1").interactive(true).defaultValue("${env:" + PASSWORD_VARIABLE + "}").build());
    }

    /** The user, or null when --auth-user was not given. */
    String user() {
        return user;
    }

    /** The password for --auth-user; asks on the terminal when none was given. Null without --auth-user. */
    String password() {
        if (user == null) {
            return null;
        }
        if (password != null) {
            return new String(password);
        }
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("password for %s: ", user);
            if (typed != null) {
                return new String(typed);
            }
        }
        throw new ParameterException(command.commandLine(), "no password for --auth-user " + user
                + ": give --auth-password, set " + PASSWORD_VARIABLE + ", or run on a terminal to be asked");
    }
}
