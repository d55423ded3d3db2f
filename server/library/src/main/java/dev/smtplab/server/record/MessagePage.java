package dev.smtplab.server.record;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a list, newest first.
 *
 * @param messages   at most the page's size
 * @param total      how many messages match the query in all
 * @param nextBefore the cursor to ask for the next page with, when there are more
 */
public record MessagePage(List<StoredMessage> messages, int total, OptionalLong nextBefore) {
    public MessagePage {
        messages = List.copyOf(messages);
    }
}
