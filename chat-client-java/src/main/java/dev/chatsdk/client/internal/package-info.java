/**
 * Implementation of the chat client. Internal: these classes may change or disappear without
 * notice; use {@link dev.chatsdk.client} instead.
 */
@NullMarked
package dev.chatsdk.client.internal;

import org.jspecify.annotations.NullMarked;
