package dev.chatsdk.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Metadata of a stored blob.
 *
 * @param id the blob id
 * @param contentType the media type the blob is served with
 * @param size size in bytes
 * @param sha256 lower-case hex SHA-256 of the bytes (usable as an ETag)
 * @param createdAt when it was stored
 */
public record BlobInfo(String id, String contentType, long size, String sha256, Instant createdAt) {
  public BlobInfo {
    Checks.id(id, "id");
    Objects.requireNonNull(contentType, "contentType");
    Checks.nonNegative(size, "size");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
