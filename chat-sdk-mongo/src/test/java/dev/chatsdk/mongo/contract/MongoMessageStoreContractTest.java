package dev.chatsdk.mongo.contract;

import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.testkit.MessageStoreContractTest;

/** The {@code MessageStore} contract against the MongoDB adapter over TCP. */
class MongoMessageStoreContractTest extends MessageStoreContractTest {
  @Override
  protected MessageStore createStore() {
    return SharedMongo.store().messageStore();
  }
}
