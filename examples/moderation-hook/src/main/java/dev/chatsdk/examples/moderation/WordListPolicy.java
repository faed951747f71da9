package dev.chatsdk.examples.moderation;

import dev.chatsdk.api.port.MessageDraft;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.PolicyDecision;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A moderation hook: messages containing a listed word (whole word, any case) are either rejected
 * (the sender's {@code send} fails with {@code rejected}) or rewritten with the word masked by
 * asterisks. Plug it into the engine with {@code ChatEngine.builder().addPolicy(policy)}.
 *
 * <p>Immutable and thread-safe; {@link #check} does no IO, as the engine requires.
 */
public final class WordListPolicy implements MessagePolicy {

  /** What to do with a message that contains a listed word. */
  public enum Action {
    /** Refuse the message. */
    REJECT,
    /** Store it with each listed word replaced by asterisks. */
    MASK
  }

  private final Action action;
  private final List<String> words;
  private final Pattern pattern;

  private WordListPolicy(Action action, Collection<String> words) {
    this.action = Objects.requireNonNull(action, "action");
    Objects.requireNonNull(words, "words");
    if (words.isEmpty()) {
      throw new IllegalArgumentException("words: empty (expected: at least one word)");
    }
    for (String w : words) {
      if (w == null || w.isBlank()) {
        throw new IllegalArgumentException("words: '" + w + "' (expected: non-blank words)");
      }
    }
    this.words = words.stream().map(w -> w.strip().toLowerCase(Locale.ROOT)).toList();
    this.pattern =
        Pattern.compile(
            this.words.stream()
                .map(Pattern::quote)
                .collect(Collectors.joining("|", "\\b(?:", ")\\b")),
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** A policy that refuses messages containing any of {@code words}. */
  public static WordListPolicy rejecting(Collection<String> words) {
    return new WordListPolicy(Action.REJECT, words);
  }

  /** A policy that masks each of {@code words} with asterisks. */
  public static WordListPolicy masking(Collection<String> words) {
    return new WordListPolicy(Action.MASK, words);
  }

  /** The words, lower case. */
  public List<String> words() {
    return words;
  }

  /** What the policy does on a match. */
  public Action action() {
    return action;
  }

  @Override
  public PolicyDecision check(MessageDraft draft) {
    Matcher matcher = pattern.matcher(draft.body());
    if (!matcher.find()) {
      return PolicyDecision.accept();
    }
    if (action == Action.REJECT) {
      return PolicyDecision.reject(
          "body: contains the blocked word '" + matcher.group().toLowerCase(Locale.ROOT) + "'");
    }
    return PolicyDecision.rewrite(matcher.replaceAll(m -> "*".repeat(m.group().length())));
  }
}
