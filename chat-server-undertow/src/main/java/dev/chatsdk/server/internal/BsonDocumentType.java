package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the embedded store keeps a document in its H2 file: as BSON behind a marker byte, instead of
 * H2's generic {@link ObjectDataType}, which writes a document with Java serialization (on a warm
 * durable send that was 39 % of the server's CPU). Values written the generic way (files from
 * before, or a document BSON cannot encode) start with another byte and are read and written by
 * {@link ObjectDataType}, so an existing data directory stays readable.
 *
 * <p>Thread-safe: stateless but for the generic type, which is thread-safe.
 */
final class BsonDocumentType extends BasicDataType<Document> {
  /** First byte of a BSON value; {@link ObjectDataType} starts its values with 0 to 119. */
  static final byte BSON = (byte) 0xB5;

  static final BsonDocumentType INSTANCE = new BsonDocumentType();

  private final ObjectDataType generic = new ObjectDataType();

  private BsonDocumentType() {}

  @Override
  public int getMemory(Document d) {
    // an estimate for the page cache, without encoding the document
    return 96 + 64 * d.size();
  }

  @Override
  public void write(WriteBuffer buff, Document d) {
    byte[] bson;
    try {
      bson = encode(d);
    } catch (RuntimeException e) {
      generic.write(buff, d);
      return;
    }
    buff.put(BSON).putVarInt(bson.length).put(bson);
  }

  @Override
  public Document read(ByteBuffer buff) {
    if (buff.get(buff.position()) != BSON) {
      return (Document) generic.read(buff);
    }
    buff.get();
    int length = org.h2.mvstore.DataUtils.readVarInt(buff);
    ByteBuf in = Unpooled.wrappedBuffer(buff.slice().limit(length));
    buff.position(buff.position() + length);
    return BsonDecoder.decodeBson(in);
  }

  /** Equal documents compare as 0; others by their BSON bytes (values are never sorted). */
  @Override
  public int compare(Document a, Document b) {
    return a.equals(b) ? 0 : Arrays.compare(encode(a), encode(b));
  }

  @Override
  public Document[] createStorage(int size) {
    return new Document[size];
  }

  private static byte[] encode(Document d) {
    ByteBuf out = Unpooled.buffer(256);
    try {
      BsonEncoder.encodeDocument(d, out);
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }
}
