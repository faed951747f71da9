/** The echo bot example: a {@link dev.chatsdk.client.ChatClient} that answers every message. */
@NullMarked
package dev.chatsdk.examples.echobot;

import org.jspecify.annotations.NullMarked;
