package dev.chatsdk.mongo.contract;

import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.testkit.BlobStoreContractTest;

/** The {@code BlobStore} contract against the MongoDB adapter over TCP. */
class MongoBlobStoreContractTest extends BlobStoreContractTest {
  @Override
  protected BlobStore createStore() {
    return SharedMongo.store().blobStore();
  }
}
