/**
 * The reference chat server: REST, WebSocket and the web demo on Undertow. Start one with {@link
 * dev.chatsdk.server.ChatServer#builder()}, or run {@link dev.chatsdk.server.Main} from the
 * executable jar.
 */
@NullMarked
package dev.chatsdk.server;

import org.jspecify.annotations.NullMarked;
