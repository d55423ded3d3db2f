package dev.smtplab.server;

import dev.smtplab.server.tls.TlsMaterial;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** STARTTLS and implicit TLS: whose certificate, on which ports, and whether TLS is required. */
final class TlsOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the local CA, the server certificate and the SQLite store are kept (default: "
                    + "~/.smtplab).")
    Path dataDir;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Server certificate chain, PEM (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Server private key, PEM (with --tls-cert).")
    Path tlsKey;

    @Option(names = "--tls-pkcs12", paramLabel = "FILE", description = "Server certificate and key in a PKCS#12 file.")
    Path tlsPkcs12;

    @Option(names = "--tls-pkcs12-password", paramLabel = "PASSWORD", defaultValue = "",
            description = "Password of the PKCS#12 file (default: none).")
    String tlsPkcs12Password;

    @Option(names = "--no-tls", negatable = false, description = "No STARTTLS and no implicit TLS.")
    boolean noTls;

    @Option(names = "--smtps-port", paramLabel = "PORT", converter = OptionConverters.PortConverter.class,
            description = "Also listen for implicit TLS (SMTPS) on this port; off unless given.")
    Integer smtpsPort;

    @Option(names = "--require-tls", negatable = false,
            description = "Refuse mail commands before STARTTLS (530 5.7.0 Must issue a STARTTLS command first).")
    boolean requireTls;

    @Option(names = "--export-ca", paramLabel = "FILE", description = "Write the local CA certificate (PEM) to FILE.")
    Path exportCa;

    /** Adds TLS to the server; {@code hostName} names the certificate the local CA makes. */
    void apply(FakeSmtpServer.Builder builder, String hostName) {
        TlsMaterial tls = material(hostName);
        if (tls == null) {
            if (smtpsPort != null || requireTls) {
                throw ServerExit.badConfiguration("--smtps-port and --require-tls need TLS, which --no-tls turned off");
            }
            return;
        }
        builder.tls(tls);
        if (smtpsPort != null) {
            builder.implicitTlsPort(smtpsPort);
        }
        if (requireTls) {
            builder.requireTls();
        }
    }

    /** The certificate: the user's (PEM or PKCS#12), else the local CA's in the data folder, unless --no-tls. */
    private TlsMaterial material(String hostName) {
        if (noTls) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw ServerExit.badConfiguration("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null) {
            return TlsMaterial.fromPem(tlsCert, tlsKey);
        }
        if (tlsPkcs12 != null) {
            return TlsMaterial.fromPkcs12(tlsPkcs12, tlsPkcs12Password.toCharArray());
        }
        return TlsMaterial.localCa(dataFolder(), hostName);
    }

    /** --data-dir, or ~/.smtplab: the local CA and the SQLite store live there. */
    Path dataFolder() {
        return dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".smtplab");
    }

    /** --export-ca: writes the local CA's certificate, for clients to trust. */
    void exportCa(FakeSmtpServer server) {
        if (exportCa == null) {
            return;
        }
        var ca = server.tls().flatMap(TlsMaterial::caCertificate);
        if (ca.isEmpty()) {
            throw ServerExit.badConfiguration(
                    "--export-ca: there is no local CA (TLS is off or uses your own certificate)");
        }
        try {
            Files.writeString(exportCa, TlsMaterial.pem(ca.get()));
        } catch (IOException e) {
            throw ServerExit.startFailed("--export-ca " + exportCa + ": " + e.getMessage());
        }
    }
}
