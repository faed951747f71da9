/**
 * A one-line real-server harness for other modules' tests: {@link
 * dev.chatsdk.server.testing.TestServer} starts the real server on a free loopback port with a
 * temporary data directory.
 */
@NullMarked
package dev.chatsdk.server.testing;

import org.jspecify.annotations.NullMarked;
