package dev.chatsdk.mongo.internal;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Field encodings shared by the stores. Instants are stored as a BSON date (readable and sortable
 * in any MongoDB tool) plus the sub-millisecond nanos in a companion field, so they round-trip
 * exactly.
 */
public final class Docs {
  private Docs() {}

  /**
   * Stores {@code at} under {@code name} (a date) and {@code name + "Ns"} (nanos within the ms). A
   * null instant writes nothing.
   */
  public static void putInstant(Document doc, String name, @Nullable Instant at) {
    if (at == null) {
      return;
    }
    doc.put(name, Date.from(at));
    doc.put(name + "Ns", at.getNano() % 1_000_000);
  }

  /** Reads an instant stored by {@link #putInstant}, or null when absent. */
  public static @Nullable Instant instant(Document doc, String name) {
    Date date = doc.getDate(name);
    if (date == null) {
      return null;
    }
    Integer nanos = doc.getInteger(name + "Ns");
    Instant at = date.toInstant();
    return nanos == null ? at : at.plusNanos(nanos);
  }

  /** Reads an instant that must be present. */
  public static Instant requiredInstant(Document doc, String name) {
    Instant at = instant(doc, name);
    if (at == null) {
      throw new IllegalStateException("stored document lacks " + name + ": " + doc.get("_id"));
    }
    return at;
  }

  /** A long field stored as any BSON number. */
  public static long longValue(Document doc, String name) {
    Object value = doc.get(name);
    return value instanceof Number n ? n.longValue() : 0L;
  }

  /**
   * The document key of a numbered item of a conversation: the id and the number, zero-padded to a
   * fixed width so the mapping is one-to-one and keys sort by number.
   */
  public static String seqKey(String conversationId, long seq) {
    String digits = Long.toString(seq);
    StringBuilder key = new StringBuilder(conversationId.length() + 20);
    key.append(conversationId).append('/');
    for (int i = digits.length(); i < 19; i++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }

  /** An unambiguous key for a pair of ids (the first is length-prefixed). */
  public static String pairKey(String first, String second) {
    return first.length() + ":" + first + "/" + second;
  }
}
