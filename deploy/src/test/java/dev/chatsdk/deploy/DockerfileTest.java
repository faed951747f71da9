package dev.chatsdk.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reads {@code deploy/docker/Dockerfile} instruction by instruction and checks it. */
class DockerfileTest {
  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  private static List<String> instructions() {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : DeployFiles.read(DeployFiles.DOCKERFILE).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      if (current.length() > 0) {
        result.add(current.toString().strip());
      }
      current.setLength(0);
    }
    return result;
  }

  private static List<String> all(String keyword) {
    return instructions().stream().filter(i -> i.startsWith(keyword + " ")).toList();
  }

  /** The instructions of the last stage (from its FROM on). */
  private static List<String> finalStage() {
    List<String> instructions = instructions();
    int lastFrom = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        lastFrom = i;
      }
    }
    return instructions.subList(lastFrom, instructions.size());
  }

  @Test
  void buildsTheWebDemoAndTheServerInStagesOfTheirOwn() {
    List<String> froms = all("FROM");
    assertThat(froms).hasSize(3);
    assertThat(froms.get(0)).startsWith("FROM node:").endsWith(" AS web");
    assertThat(froms.get(1)).startsWith("FROM maven:").endsWith(" AS build");
    assertThat(all("COPY"))
        .contains("COPY --from=web /src/web-demo/dist web-demo/dist")
        .as("the web demo is built before the server bundles it")
        .isNotEmpty();
    assertThat(instructions().indexOf("COPY --from=web /src/web-demo/dist web-demo/dist"))
        .isLessThan(
            instructions()
                .indexOf(
                    all("RUN").stream().filter(r -> r.contains("mvn ")).findFirst().orElseThrow()));
  }

  @Test
  void runsFromAJreStageThatCopiesOnlyTheJar() {
    assertThat(finalStage().get(0)).as("runtime is a JRE, not the build image").contains("-jre");
    assertThat(finalStage())
        .filteredOn(i -> i.startsWith("COPY "))
        .singleElement()
        .asString()
        .contains("--from=build")
        .endsWith("/app/chat-server.jar");
  }

  @Test
  void runsAsANonRootUser() {
    List<String> users = finalStage().stream().filter(i -> i.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).substring("USER ".length()).split(":")[0];
    assertThat(user).isNotIn("root", "0");
  }

  @Test
  void exposesAndHealthChecksTheServerPort() {
    assertThat(finalStage()).contains("EXPOSE " + DeployFiles.SERVER_PORT);
    List<String> checks = finalStage().stream().filter(i -> i.startsWith("HEALTHCHECK ")).toList();
    assertThat(checks).hasSize(1);
    Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/\\S*)").matcher(checks.get(0));
    assertThat(url.find()).as("health check URL in %s", checks.get(0)).isTrue();
    assertThat(Integer.parseInt(url.group(1))).isEqualTo(DeployFiles.SERVER_PORT);
    assertThat(url.group(2)).isEqualTo(DeployFiles.HEALTH_PATH);
    assertThat(checks.get(0)).contains("curl -f");
    assertThat(finalStage()).anyMatch(i -> i.startsWith("RUN ") && i.contains(" curl"));
  }

  @Test
  void startsTheJvmAsPidOneSoItReceivesSigtermAndDrains() {
    List<String> entrypoints = all("ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    assertThat(entrypoints.get(0))
        .as("exec form, no shell in between")
        .startsWith("ENTRYPOINT [\"java\"")
        .contains("\"/app/chat-server.jar\"");
  }
}
