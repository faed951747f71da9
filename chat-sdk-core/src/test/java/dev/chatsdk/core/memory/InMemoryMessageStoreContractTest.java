package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.testkit.MessageStoreContractTest;

class InMemoryMessageStoreContractTest extends MessageStoreContractTest {
  @Override
  protected MessageStore createStore() {
    return new InMemoryMessageStore();
  }
}
