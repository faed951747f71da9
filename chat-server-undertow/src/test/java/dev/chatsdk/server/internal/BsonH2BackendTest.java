package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BsonH2BackendTest {
  @TempDir Path dir;

  static Document sample(int i) {
    Document nested =
        new Document("n", i).append("when", Instant.ofEpochMilli(1_700_000_000_000L + i));
    return new Document("_id", new ObjectId())
        .append("s", "text " + i + " \u00e9\u4e2d")
        .append("i", i)
        .append("l", 1L << 40 | i)
        .append("d", i + 0.5)
        .append("b", i % 2 == 0)
        .append("none", null)
        .append("list", List.of("a", i, List.of(1L, 2L)))
        .append("doc", nested);
  }

  /** Adds samples {@code from} to {@code to} (exclusive) and copies of them to {@code added}. */
  private static void addSamples(MongoCollection<?> c, int from, int to, List<Document> added) {
    for (int i = from; i < to; i++) {
      Document d = sample(i);
      added.add(d.cloneDeeply());
      c.addDocument(d);
    }
  }

  private static Document roundTrip(WriteBuffer written) {
    ByteBuffer in = written.getBuffer();
    in.flip();
    return BsonDocumentType.INSTANCE.read(in);
  }

  @Test
  void documentsKeepTheirValuesAndTypesAsBson() {
    for (int i = 0; i < 20; i++) {
      Document d = sample(i);
      WriteBuffer out = new WriteBuffer();
      BsonDocumentType.INSTANCE.write(out, d);
      assertThat(out.getBuffer().get(0)).isEqualTo(BsonDocumentType.BSON);
      Document back = roundTrip(out);
      assertThat(back).isEqualTo(d);
      assertThat(back.get("i")).isInstanceOf(Integer.class);
      assertThat(back.get("l")).isInstanceOf(Long.class);
      assertThat(((Document) back.get("doc")).get("when")).isInstanceOf(Instant.class);
      assertThat(BsonDocumentType.INSTANCE.compare(d, back)).isZero();
    }
  }

  @Test
  void valuesWrittenTheGenericWayAreStillRead() {
    Document d = sample(7);
    WriteBuffer out = new WriteBuffer();
    new ObjectDataType().write(out, d);
    assertThat(roundTrip(out)).isEqualTo(d);
  }

  @Test
  void aFileWrittenByTheStockBackendOpensAndGrowsWithTheBsonOne() {
    String file = dir.resolve("store.mv").toString();
    List<Document> before = new ArrayList<>();
    H2Backend stock = new H2Backend(file);
    MongoCollection<?> c =
        stock.resolveDatabase("chat").createCollectionOrThrowIfExists("messages");
    addSamples(c, 0, 50, before);
    stock.commit();
    stock.close();

    BsonH2Backend bson = new BsonH2Backend(file);
    MongoCollection<?> reopened = bson.resolveDatabase("chat").resolveCollection("messages", false);
    assertThat(reopened.queryAll()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(bson.getMvStore().openMap("databases.chat.messages").getValueType())
        .isSameAs(BsonDocumentType.INSTANCE);
    List<Document> after = new ArrayList<>(before);
    addSamples(reopened, 50, 80, after);
    bson.commit();
    bson.close();

    BsonH2Backend again = new BsonH2Backend(file);
    assertThat(again.resolveDatabase("chat").resolveCollection("messages", false).queryAll())
        .containsExactlyInAnyOrderElementsOf(after);
    again.close();
  }
}
