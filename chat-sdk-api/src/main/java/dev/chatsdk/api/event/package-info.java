/** The v1 wire protocol's frames as records: what clients send and what the server pushes. */
@NullMarked
package dev.chatsdk.api.event;

import org.jspecify.annotations.NullMarked;
