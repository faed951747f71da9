package dev.chatsdk.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.chatsdk.server.ChatServer;
import dev.chatsdk.server.internal.CommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The facts the deployment files are checked against are the server's own, not copies. */
class ServerFactsTest {
  private static final Pattern CHAT_VARIABLE = Pattern.compile("\\bCHAT_[A-Z_]+\\b");

  @Test
  void deployFactsMatchTheServersDefaults() {
    assertThat(DeployFiles.SERVER_PORT).isEqualTo(ChatServer.Builder.DEFAULT_PORT);
    assertThat(DeployFiles.MAX_DRAIN).isEqualTo(ChatServer.Builder.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(ChatServer.Builder.DEFAULT_HEARTBEAT_INTERVAL)
        .isLessThanOrEqualTo(DeployFiles.MAX_HEARTBEAT);
    assertThat(CommandLine.environmentVariables())
        .contains(
            DeployFiles.MONGO_URI_VARIABLE,
            DeployFiles.REDIS_URI_VARIABLE,
            DeployFiles.JWT_SECRET_VARIABLE,
            "CHAT_NODE_ID");
  }

  @Test
  void everyChatVariableTheManifestsSetIsOneTheServerReads() throws IOException {
    TreeSet<String> named = new TreeSet<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> files = Files.list(DeployFiles.K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        YAMLParser parser = new YAMLFactory().createParser(file.toFile());
        List<JsonNode> docs = new ArrayList<>(yaml.readValues(parser, JsonNode.class).readAll());
        for (JsonNode doc : docs) {
          collect(doc, named);
        }
      }
    }
    collect(DeployFiles.read(DeployFiles.DOCKERFILE), named);
    assertThat(named).as("CHAT_* names in k8s/ and the Dockerfile").isNotEmpty();
    assertThat(CommandLine.environmentVariables()).containsAll(named);
  }

  private static void collect(JsonNode node, TreeSet<String> into) {
    if (node.isTextual()) {
      collect(node.asText(), into);
    }
    node.fieldNames().forEachRemaining(name -> collect(name, into));
    node.elements().forEachRemaining(child -> collect(child, into));
  }

  private static void collect(String text, TreeSet<String> into) {
    Matcher m = CHAT_VARIABLE.matcher(text);
    while (m.find()) {
      into.add(m.group());
    }
  }
}
