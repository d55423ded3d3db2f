package dev.smtplab.harness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;

/** A @Nested class inherits a per-class extension: it shares the outer server and leaves it running. */
class NestedPerClassTest {
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create().perClass();

    private static int outerPort;
    private static int nestedPort;

    @Test
    void outer_test() {
        outerPort = smtp.port();
    }

    @AfterAll
    static void the_outer_server_outlived_the_nested_class() {
        assertThat(nestedPort).as("the nested test ran").isPositive();
        assertThat(smtp.port()).isEqualTo(outerPort).isEqualTo(nestedPort);
    }

    @Nested
    class Inner {
        @Test
        void nested_test_uses_the_outer_server() {
            nestedPort = smtp.port();
        }
    }
}
