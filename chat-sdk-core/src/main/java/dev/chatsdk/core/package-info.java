/**
 * The chat engine: build a {@link dev.chatsdk.core.ChatEngine} from ports and hand it client
 * connections from any transport.
 */
@NullMarked
package dev.chatsdk.core;

import org.jspecify.annotations.NullMarked;
