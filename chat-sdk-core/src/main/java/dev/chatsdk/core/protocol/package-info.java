/**
 * The v1 wire protocol's JSON encoding: {@link dev.chatsdk.core.protocol.ProtocolCodec} turns
 * client text frames into {@link dev.chatsdk.api.event.ClientFrame} records and server frames into
 * shared, encoded {@link dev.chatsdk.api.port.Frame}s, exactly as {@code docs/PROTOCOL.md} says.
 */
@NullMarked
package dev.chatsdk.core.protocol;

import org.jspecify.annotations.NullMarked;
