package dev.chatsdk.mongo.contract;

import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.testkit.CredentialStoreContractTest;

/** The {@code CredentialStore} contract against the MongoDB adapter over TCP. */
class MongoCredentialStoreContractTest extends CredentialStoreContractTest {
  @Override
  protected CredentialStore createStore() {
    return SharedMongo.store().credentialStore();
  }
}
