/**
 * Implementation details of {@code dev.chatsdk.core.auth}. Not part of the API: these types may
 * change or disappear without notice.
 */
@NullMarked
package dev.chatsdk.core.auth.internal;

import org.jspecify.annotations.NullMarked;
