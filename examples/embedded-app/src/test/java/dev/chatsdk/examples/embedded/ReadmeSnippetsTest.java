package dev.chatsdk.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's code honest: every block marked {@code <!-- readme-snippet: PATH -->} must be
 * a contiguous run of lines of that source file (compared without indentation), so the README shows
 * code that compiles and that the examples' smoke tests run.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- readme-snippet: (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void readmeCodeBlocksAreTheExamplesCode() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m = SNIPPET.matcher(readme);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      Path source = ROOT.resolve(m.group(1));
      assertThat(source).as("README snippet source").exists();
      List<String> snippet = trimmed(m.group(2).lines().toList());
      List<String> code = trimmed(Files.readAllLines(source));
      assertThat(Collections.indexOfSubList(code, snippet))
          .as("README block from %s must be a contiguous part of it:%n%s", m.group(1), m.group(2))
          .isNotNegative();
    }
    assertThat(blocks).as("marked code blocks in README.md").isGreaterThanOrEqualTo(2);
  }

  private static List<String> trimmed(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }
}
