/**
 * The embedding example: a host application that runs {@link dev.chatsdk.core.ChatEngine} behind
 * its own Undertow server.
 */
@NullMarked
package dev.chatsdk.examples.embedded;

import org.jspecify.annotations.NullMarked;
