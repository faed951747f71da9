package dev.chatsdk.mongo.contract;

import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.testkit.ConversationStoreContractTest;

/** The {@code ConversationStore} contract against the MongoDB adapter over TCP. */
class MongoConversationStoreContractTest extends ConversationStoreContractTest {
  @Override
  protected ConversationStore createStore() {
    return SharedMongo.store().conversationStore();
  }
}
