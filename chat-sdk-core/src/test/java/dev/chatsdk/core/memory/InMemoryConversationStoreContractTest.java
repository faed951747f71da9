package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.testkit.ConversationStoreContractTest;

class InMemoryConversationStoreContractTest extends ConversationStoreContractTest {
  @Override
  protected ConversationStore createStore() {
    return new InMemoryConversationStore();
  }
}
