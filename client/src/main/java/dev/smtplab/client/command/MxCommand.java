package dev.smtplab.client.command;

import dev.smtplab.client.diagnose.Report;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.MxReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** smtplab mx DOMAIN: the mail hosts, by preference, with their addresses. */
@Command(name = "mx", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "List a domain's MX hosts by preference with their A and AAAA addresses; implicit and null MX "
                + "(RFC 7505) are reported as such.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the domain has mail hosts", "1:usage error", "12:no mail host (lookup failed, no address, or null MX)"})
public final class MxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DOMAIN", descriptionKey = "domain",
            description = "The domain whose mail hosts to list.")
    String domain;

    @Option(names = "--dns-server", paramLabel = "IP[:PORT]", description = "Ask this DNS server (default: the system's).")
    String dnsServer;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", description = "DNS timeout (default: ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be 1 second or more");
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Dns dns;
        try {
            dns = dnsServer == null ? Dns.system(timeout) : Dns.server(dnsServer, timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        MxReport mx = dns.mx(domain);
        if (json) {
            out.println(SendCommand.jsonMapper().writeValueAsString(mx));
            out.flush();
        } else {
            Report.mx(mx, out);
        }
        return mx.hosts().isEmpty() || mx.nullMx() || mx.error() != null ? 12 : 0;
    }
}
