/**
 * The Java client of the chat SDK: a live WebSocket session with exactly-once sends, ordered
 * gap-free delivery and automatic reconnection ({@link dev.chatsdk.client.ChatClient}), and the
 * REST helpers ({@link dev.chatsdk.client.ChatApi}).
 */
@NullMarked
package dev.chatsdk.client;

import org.jspecify.annotations.NullMarked;
