package dev.chatsdk.core.memory;

import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.testkit.PresenceRegistryContractTest;
import java.util.Optional;

class InMemoryPresenceRegistryContractTest extends PresenceRegistryContractTest {
  @Override
  protected PresenceRegistry createRegistry() {
    return new InMemoryPresenceRegistry();
  }

  @Override
  protected Optional<PresenceRegistry> createPeer(PresenceRegistry registry) {
    return Optional.of(((InMemoryPresenceRegistry) registry).peer());
  }
}
