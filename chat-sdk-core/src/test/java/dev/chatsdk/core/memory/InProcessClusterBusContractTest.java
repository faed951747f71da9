package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.testkit.ClusterBusContractTest;

class InProcessClusterBusContractTest extends ClusterBusContractTest {
  @Override
  protected ClusterBus createBus() {
    return new InProcessClusterBus();
  }
}
