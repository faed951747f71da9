package dev.chatsdk.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsAre26CrockfordBase32Characters() {
    assertThat(Ids.next()).matches("[0-9A-HJKMNP-TV-Z]{26}");
  }

  @Test
  void idsAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      seen.add(Ids.next());
    }
    assertThat(seen).hasSize(20_000);
  }

  @Test
  void laterIdsSortAfterEarlierOnesAcrossMilliseconds() throws InterruptedException {
    String earlier = Ids.next();
    Thread.sleep(3);
    String later = Ids.next();

    assertThat(later.substring(0, 10)).isGreaterThan(earlier.substring(0, 10));
    assertThat(later).isGreaterThan(earlier);
  }
}
