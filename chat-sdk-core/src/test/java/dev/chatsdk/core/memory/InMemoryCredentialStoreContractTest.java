package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.testkit.CredentialStoreContractTest;

class InMemoryCredentialStoreContractTest extends CredentialStoreContractTest {
  @Override
  protected CredentialStore createStore() {
    return new InMemoryCredentialStore();
  }
}
