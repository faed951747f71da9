/**
 * Implementation details of the Redis adapters. Not part of the public API: everything here may
 * change without notice.
 */
@NullMarked
package dev.chatsdk.redis.internal;

import org.jspecify.annotations.NullMarked;
