/**
 * The engine's implementation. Everything here is internal: it may change without notice between
 * releases. Use {@link dev.chatsdk.core.ChatEngine#builder()} instead.
 */
@NullMarked
package dev.chatsdk.core.internal;

import org.jspecify.annotations.NullMarked;
