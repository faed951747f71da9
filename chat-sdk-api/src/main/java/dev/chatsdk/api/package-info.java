/** Domain records, errors and identifiers of the chat SDK. */
@NullMarked
package dev.chatsdk.api;

import org.jspecify.annotations.NullMarked;
