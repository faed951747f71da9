package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.testkit.UserStoreContractTest;

class InMemoryUserStoreContractTest extends UserStoreContractTest {
  @Override
  protected UserStore createStore() {
    return new InMemoryUserStore();
  }
}
