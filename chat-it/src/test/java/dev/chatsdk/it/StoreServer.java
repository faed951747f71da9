package dev.chatsdk.it;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/** The shared store of every node: a MongoDB-wire server (mongo-java-server) on loopback TCP. */
final class StoreServer implements AutoCloseable {
  private final MongoServer server = new MongoServer(new MemoryBackend());
  private final InetSocketAddress address;

  StoreServer() {
    this.address = server.bind(); // loopback, a free port
  }

  /** The URI nodes get as {@code CHAT_MONGO_URI}. */
  String uri() {
    return "mongodb://127.0.0.1:" + address.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
