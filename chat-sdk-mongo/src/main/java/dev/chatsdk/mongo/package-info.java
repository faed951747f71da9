/**
 * The MongoDB adapter: every storage port of the chat SDK on the reactive-streams MongoDB driver.
 * Start at {@link dev.chatsdk.mongo.MongoChatStore}.
 */
@NullMarked
package dev.chatsdk.mongo;

import org.jspecify.annotations.NullMarked;
