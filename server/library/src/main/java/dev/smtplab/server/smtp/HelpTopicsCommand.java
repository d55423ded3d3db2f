package dev.smtplab.server.smtp;

import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.util.TreeSet;

/** HELP: SubEthaSMTP's, but the topic list leaves out the internal rejected-line verb. */
final class HelpTopicsCommand implements Command {
    private final CommandHandler commands;
    private final String hostName;

    HelpTopicsCommand(CommandHandler commands, String hostName) {
        this.commands = commands;
        this.hostName = hostName;
    }

    @Override
    public void execute(String commandLine, Session session) throws IOException {
        String topic = commandLine.length() > 4 ? commandLine.substring(4).trim() : "";
        if (!topic.isEmpty()) {
            try {
                session.sendResponse(commands.getHelp(topic).toOutputString());
            } catch (CommandException e) {
                session.sendResponse("504 5.5.1 HELP topic \"" + topic + "\" unknown.");
            }
            return;
        }
        StringBuilder reply = new StringBuilder("214-SMTP Lab on ").append(hostName).append("\r\n214-Topics:\r\n");
        for (String verb : new TreeSet<>(commands.getVerbs())) {
            if (!verb.equals(InboundTap.REJECTED_LINE_VERB)) {
                reply.append("214-     ").append(verb).append("\r\n");
            }
        }
        reply.append("214-For more info use \"HELP <topic>\".\r\n214 End of HELP info");
        session.sendResponse(reply.toString());
    }

    @Override
    public HelpMessage getHelp() {
        return new HelpMessage("HELP", "Shows the commands, or what one of them does.", "[ <topic> ]");
    }

    @Override
    public String getName() {
        return "HELP";
    }
}
