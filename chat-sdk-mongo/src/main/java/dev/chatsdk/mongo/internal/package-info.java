/**
 * Implementation of the MongoDB adapter. Internal: these types may change without notice; use
 * {@link dev.chatsdk.mongo.MongoChatStore}.
 */
@NullMarked
package dev.chatsdk.mongo.internal;

import org.jspecify.annotations.NullMarked;
