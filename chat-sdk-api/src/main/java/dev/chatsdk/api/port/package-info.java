/**
 * Ports: the interfaces a host application or adapter implements (stores, auth, transport, cluster
 * bus, presence, policies).
 */
@NullMarked
package dev.chatsdk.api.port;

import org.jspecify.annotations.NullMarked;
