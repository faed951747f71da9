package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the embedded store keeps the keys of its unique indexes ({@code _id} and the schema's unique
 * keys): each value behind a type tag, compared value by value. H2's generic {@link
 * ObjectDataType}, which the stock backend uses for them, cannot compare a {@link KeyValue} (not
 * {@code Comparable}) except by serializing both with Java serialization, on every comparison of a
 * look-up's binary search: a quarter of the server's CPU on a warm durable send.
 *
 * <p>Two keys are equal when they have the same values of the same Java types, as they were under
 * the generic type (which compared serialized bytes); the order otherwise is by number of values,
 * then per value by type tag and then by the type's natural order. Strings, numbers, booleans,
 * object ids, instants, null and "missing" have tags of their own; any other value (a sub-document,
 * a list) is written by the generic type and ordered by those bytes.
 *
 * <p>Thread-safe: stateless but for the generic type, which is thread-safe.
 */
final class IndexKeyType extends BasicDataType<KeyValue> {
  static final IndexKeyType INSTANCE = new IndexKeyType();

  private static final int NULL = 0;
  private static final int MISSING = 1;
  private static final int STRING = 2;
  private static final int INT = 3;
  private static final int LONG = 4;
  private static final int DOUBLE = 5;
  private static final int BOOLEAN = 6;
  private static final int OBJECT_ID = 7;
  private static final int INSTANT = 8;
  private static final int OTHER = 127;

  /** The tag of each value class with one of its own (all but ObjectId and Missing are final). */
  private static final Map<Class<?>, Integer> TAGS =
      Map.of(
          Missing.class, MISSING,
          String.class, STRING,
          Integer.class, INT,
          Long.class, LONG,
          Double.class, DOUBLE,
          Boolean.class, BOOLEAN,
          ObjectId.class, OBJECT_ID,
          Instant.class, INSTANT);

  private final ObjectDataType generic = new ObjectDataType();

  private IndexKeyType() {}

  @Override
  public int getMemory(KeyValue key) {
    int memory = 48;
    for (Object v : key) {
      memory += v instanceof String s ? 48 + 2 * s.length() : 32;
    }
    return memory;
  }

  @Override
  public void write(WriteBuffer buff, KeyValue key) {
    buff.putVarInt(key.size());
    for (Object v : key) {
      int tag = tag(v);
      buff.put((byte) tag);
      switch (tag) {
        case NULL, MISSING -> {}
        case STRING -> {
          String s = (String) v;
          buff.putVarInt(s.length()).putStringData(s, s.length());
        }
        case INT -> buff.putInt((Integer) v);
        case LONG -> buff.putLong((Long) v);
        case DOUBLE -> buff.putDouble((Double) v);
        case BOOLEAN -> buff.put((byte) (Boolean.TRUE.equals(v) ? 1 : 0));
        case OBJECT_ID -> buff.put(((ObjectId) v).toByteArray());
        case INSTANT -> {
          Instant t = (Instant) v;
          buff.putLong(t.getEpochSecond()).putInt(t.getNano());
        }
        default -> generic.write(buff, v);
      }
    }
  }

  @Override
  public KeyValue read(ByteBuffer buff) {
    int size = DataUtils.readVarInt(buff);
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int tag = buff.get();
      values.add(
          switch (tag) {
            case NULL -> null;
            case MISSING -> Missing.getInstance();
            case STRING -> DataUtils.readString(buff);
            case INT -> buff.getInt();
            case LONG -> buff.getLong();
            case DOUBLE -> buff.getDouble();
            case BOOLEAN -> buff.get() != 0;
            case OBJECT_ID -> {
              byte[] id = new byte[12];
              buff.get(id);
              yield new ObjectId(id);
            }
            case INSTANT -> Instant.ofEpochSecond(buff.getLong(), buff.getInt());
            case OTHER -> generic.read(buff);
            default ->
                throw new IllegalStateException("index key: unknown value tag " + tag + " in file");
          });
    }
    return new KeyValue(values);
  }

  @Override
  public int compare(KeyValue a, KeyValue b) {
    int c = Integer.compare(a.size(), b.size());
    for (int i = 0; c == 0 && i < a.size(); i++) {
      c = compareValues(a.get(i), b.get(i));
    }
    return c;
  }

  @Override
  public KeyValue[] createStorage(int size) {
    return new KeyValue[size];
  }

  private int compareValues(Object x, Object y) {
    int tx = tag(x);
    int ty = tag(y);
    if (tx != ty) {
      return Integer.compare(tx, ty);
    }
    return switch (tx) {
      case NULL, MISSING -> 0;
      case STRING -> ((String) x).compareTo((String) y);
      case INT -> ((Integer) x).compareTo((Integer) y);
      case LONG -> ((Long) x).compareTo((Long) y);
      case DOUBLE -> ((Double) x).compareTo((Double) y);
      case BOOLEAN -> ((Boolean) x).compareTo((Boolean) y);
      case OBJECT_ID -> Arrays.compare(((ObjectId) x).toByteArray(), ((ObjectId) y).toByteArray());
      case INSTANT -> ((Instant) x).compareTo((Instant) y);
      default -> x.equals(y) ? 0 : Arrays.compare(serialized(x), serialized(y));
    };
  }

  private byte[] serialized(Object v) {
    WriteBuffer buff = new WriteBuffer();
    generic.write(buff, v);
    ByteBuffer bytes = buff.getBuffer();
    bytes.flip();
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  private static int tag(Object v) {
    if (v instanceof String) {
      return STRING; // nearly every key value: spare it the table look-up
    }
    return v == null ? NULL : TAGS.getOrDefault(v.getClass(), OTHER);
  }
}
