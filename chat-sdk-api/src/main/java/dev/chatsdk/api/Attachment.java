package dev.chatsdk.api;

import java.util.Objects;

/**
 * A reference to a blob attached to a message.
 *
 * @param blobId id in the {@code BlobStore}
 * @param contentType sniffed media type, e.g. {@code image/png}
 * @param size size in bytes
 */
public record Attachment(String blobId, String contentType, long size) {
  public Attachment {
    Checks.id(blobId, "blobId");
    Objects.requireNonNull(contentType, "contentType");
    Checks.nonNegative(size, "size");
  }
}
