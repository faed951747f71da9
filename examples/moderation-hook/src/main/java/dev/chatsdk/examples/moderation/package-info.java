/**
 * The moderation hook example: a {@link dev.chatsdk.api.port.MessagePolicy} that rejects or
 * rewrites messages by a word list, plugged into the engine with {@code addPolicy}.
 */
@NullMarked
package dev.chatsdk.examples.moderation;

import org.jspecify.annotations.NullMarked;
