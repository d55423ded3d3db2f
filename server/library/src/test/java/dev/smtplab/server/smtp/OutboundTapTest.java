package dev.smtplab.server.smtp;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundTapTest {
    /** Counts the writes that reach the socket. */
    private static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
    }

    @Test
    void a_multi_line_reply_written_at_once_leaves_in_one_write() throws Exception {
        // One TCP segment: line by line, the second line waits for the first one's ACK, which a
        // client delays by 40 ms (Nagle meeting delayed ACK; an EHLO took 41.5 ms that way).
        Writes socket = new Writes();
        List<String> recorded = new ArrayList<>();
        OutboundTap tap = new OutboundTap(socket, recorded::add, new ReplyWording(true, "localhost", null));
        tap.write("250-localhost\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 CHUNKING\r\n".getBytes(StandardCharsets.UTF_8));
        tap.flush();
        assertThat(socket.writes).containsExactly("250-localhost\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
        assertThat(recorded).containsExactly("250-localhost", "250-PIPELINING", "250 CHUNKING");
    }

    @Test
    void library_texts_are_reworded_and_a_flushed_partial_line_goes_out_as_it_is() throws Exception {
        Writes socket = new Writes();
        List<String> recorded = new ArrayList<>();
        OutboundTap tap = new OutboundTap(socket, recorded::add, new ReplyWording(false, "localhost", null));
        tap.write("220 Ready to start TLS\r\n".getBytes(StandardCharsets.UTF_8));
        tap.write("250 2.0.0 O".getBytes(StandardCharsets.UTF_8));
        tap.flush();
        tap.write("k\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(String.join("", socket.writes)).isEqualTo("220 2.0.0 Ready to start TLS\r\n250 2.0.0 Ok\r\n");
        assertThat(recorded).containsExactly("220 2.0.0 Ready to start TLS", "250 2.0.0 Ok");
    }
}
