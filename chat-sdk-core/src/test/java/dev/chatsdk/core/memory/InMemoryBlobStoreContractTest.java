package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.testkit.BlobStoreContractTest;

class InMemoryBlobStoreContractTest extends BlobStoreContractTest {
  @Override
  protected BlobStore createStore() {
    return new InMemoryBlobStore();
  }
}
