package dev.chatsdk.mongo.contract;

import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.testkit.UserStoreContractTest;

/** The {@code UserStore} contract against the MongoDB adapter over TCP. */
class MongoUserStoreContractTest extends UserStoreContractTest {
  @Override
  protected UserStore createStore() {
    return SharedMongo.store().userStore();
  }
}
