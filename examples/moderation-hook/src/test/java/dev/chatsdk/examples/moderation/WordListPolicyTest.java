package dev.chatsdk.examples.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.port.MessageDraft;
import dev.chatsdk.api.port.PolicyDecision;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordListPolicyTest {

  private static MessageDraft draft(String body) {
    return new MessageDraft(
        "c1", ConversationKind.DIRECT, 2, "u1", null, "k1", body, Instant.EPOCH);
  }

  @Test
  void cleanMessagesPass() {
    assertThat(WordListPolicy.rejecting(List.of("spam")).check(draft("spammer? no, spa")))
        .isEqualTo(PolicyDecision.accept());
  }

  @Test
  void listedWordIsRejectedInAnyCase() {
    assertThat(WordListPolicy.rejecting(List.of("spam")).check(draft("Buy SPAM now")))
        .isEqualTo(PolicyDecision.reject("body: contains the blocked word 'spam'"));
  }

  @Test
  void listedWordsAreMaskedKeepingTheirLength() {
    assertThat(
            WordListPolicy.masking(List.of("darn", "heck")).check(draft("Darn it, what the heck")))
        .isEqualTo(PolicyDecision.rewrite("**** it, what the ****"));
  }

  @Test
  void wordsWithRegexCharactersAreTakenLiterally() {
    assertThat(WordListPolicy.masking(List.of("a.b")).check(draft("axb a.b")))
        .isEqualTo(PolicyDecision.rewrite("axb ***"));
  }

  @Test
  void emptyOrBlankWordListsAreRefused() {
    assertThatThrownBy(() -> WordListPolicy.rejecting(List.of()))
        .hasMessage("words: empty (expected: at least one word)");
    assertThatThrownBy(() -> WordListPolicy.masking(List.of(" ")))
        .hasMessage("words: ' ' (expected: non-blank words)");
  }
}
