/**
 * Internals of the reference server (routing, REST handlers, WebSocket transport, embedded store,
 * avatar processing). May change without notice; do not depend on them.
 */
@NullMarked
package dev.chatsdk.server.internal;

import org.jspecify.annotations.NullMarked;
