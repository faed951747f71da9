package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.server.ChatServer;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's configuration from environment variables and {@code --flag value} / {@code
 * --flag=value} arguments (flags win). Every problem is one {@link ConfigException} with a message
 * naming the setting, the value and the expectation.
 */
public final class CommandLine {
  private CommandLine() {}

  /** One setting: its flag, its environment variable and what it means. */
  private record Option(String flag, String env, String arg, String help) {}

  private static final List<Option> OPTIONS =
      List.of(
          new Option("--port", "CHAT_PORT", "PORT", "port to listen on (default 8080; 0 = any)"),
          new Option("--host", "CHAT_HOST", "HOST", "interface to listen on (default 0.0.0.0)"),
          new Option(
              "--data-dir",
              "CHAT_DATA_DIR",
              "DIR",
              "embedded store and generated JWT secret (default ./data)"),
          new Option(
              "--embedded-fsync",
              "CHAT_EMBEDDED_FSYNC",
              "BOOL",
              "force each group commit of the embedded store to disk (default true; false keeps"
                  + " acked writes safe from a killed process but not from a power loss)"),
          new Option(
              "--mongo-uri",
              "CHAT_MONGO_URI",
              "URI",
              "use this MongoDB instead of the embedded store"),
          new Option(
              "--mongo-database", "CHAT_MONGO_DATABASE", "NAME", "database name (default chat)"),
          new Option(
              "--jwt-secret",
              "CHAT_JWT_SECRET",
              "SECRET",
              "HS256 secret, >= 32 bytes (default: generated once into the data dir)"),
          new Option(
              "--allowed-origins",
              "CHAT_ALLOWED_ORIGINS",
              "LIST",
              "comma-separated origins allowed besides same-origin, e.g. http://localhost:5173"),
          new Option(
              "--secure-cookies",
              "CHAT_SECURE_COOKIES",
              "BOOL",
              "mark the auth cookie Secure (true behind TLS; default false)"),
          new Option(
              "--redis-uri",
              "CHAT_REDIS_URI",
              "URI",
              "Redis for the cluster bus and presence across nodes (default: none, one node)"),
          new Option(
              "--node-id",
              "CHAT_NODE_ID",
              "ID",
              "this node's id in the cluster (default: host name, pid and a random suffix)"),
          new Option(
              "--trusted-proxies",
              "CHAT_TRUSTED_PROXIES",
              "LIST",
              "comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For is believed"
                  + " (default none)"),
          new Option(
              "--rate-limit",
              "CHAT_RATE_LIMIT",
              "N",
              "messages per second per connection, token bucket (default 20)"),
          new Option("--rate-burst", "CHAT_RATE_BURST", "N", "the rate limit's burst (default 40)"),
          new Option(
              "--store",
              "CHAT_STORE",
              "KIND",
              "embedded (default), mongo (needs a URI) or memory (nothing is kept)"));

  /** The result of parsing: a configured builder, or a request for help. */
  public record Parsed(ChatServer.Builder builder, boolean help) {}

  /** A configuration error; the message is one line meant for the operator. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  /** The text {@code --help} prints. */
  public static String help() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar chat-server.jar [options]\n\n");
    sb.append("Every option can also be set by its environment variable; flags win.\n\n");
    for (Option o : OPTIONS) {
      sb.append(String.format("  %-32s %-22s %s%n", o.flag() + " " + o.arg(), o.env(), o.help()));
    }
    sb.append(String.format("  %-32s %-22s %s%n", "--help", "", "print this and exit"));
    return sb.toString();
  }

  /**
   * Parses arguments over environment variables.
   *
   * @throws ConfigException for an unknown flag, a missing value or an invalid setting
   */
  public static Parsed parse(String[] args, Map<String, String> env) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(env, "env");
    Map<String, String> values = new LinkedHashMap<>();
    for (Option o : OPTIONS) {
      String v = env.get(o.env());
      if (v != null && !v.isEmpty()) {
        values.put(o.flag(), v);
      }
    }
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      Option option = find(name);
      if (option == null) {
        throw new ConfigException("unknown option '" + name + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new ConfigException(name + ": missing value (expected: " + option.arg() + ")");
        }
        value = args[++i];
      }
      values.put(option.flag(), value);
    }
    if (help) {
      return new Parsed(ChatServer.builder(), true);
    }
    return new Parsed(configure(values), false);
  }

  private static ChatServer.Builder configure(Map<String, String> values) {
    ChatServer.Builder b = ChatServer.builder();
    String current = "";
    try {
      current = "--port";
      String port = values.get(current);
      if (port != null) {
        int p;
        try {
          p = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(label(current) + ": '" + port + "' (expected: 0..65535)");
        }
        b.port(p);
      }
      current = "--host";
      if (values.containsKey(current)) {
        b.host(values.get(current).trim());
      }
      current = "--data-dir";
      if (values.containsKey(current)) {
        try {
          b.dataDir(Path.of(values.get(current)));
        } catch (InvalidPathException e) {
          throw new ConfigException(
              label(current) + ": '" + values.get(current) + "' (expected: a directory path)");
        }
      }
      current = "--embedded-fsync";
      if (values.containsKey(current)) {
        b.embeddedFsync(bool(current, values.get(current)));
      }
      current = "--mongo-uri";
      String mongo = values.get(current);
      if (mongo != null) {
        b.mongoUri(mongo.trim());
      }
      current = "--mongo-database";
      if (values.containsKey(current)) {
        b.mongoDatabase(values.get(current).trim());
      }
      current = "--store";
      String store = values.get(current);
      if (store != null) {
        switch (store.trim().toLowerCase(java.util.Locale.ROOT)) {
          case "embedded" -> {
            if (mongo != null) {
              throw new ConfigException(
                  label(current) + ": 'embedded' conflicts with CHAT_MONGO_URI (expected: mongo)");
            }
            b.embeddedStore();
          }
          case "mongo" -> {
            if (mongo == null) {
              throw new ConfigException(
                  label(current) + ": 'mongo' needs CHAT_MONGO_URI (expected: a mongodb:// URI)");
            }
          }
          case "memory" -> b.inMemory();
          default ->
              throw new ConfigException(
                  label(current) + ": '" + store + "' (expected: embedded, mongo or memory)");
        }
      }
      current = "--jwt-secret";
      if (values.containsKey(current)) {
        b.jwtSecret(values.get(current));
      }
      current = "--allowed-origins";
      if (values.containsKey(current)) {
        Set<String> origins = new LinkedHashSet<>();
        for (String o : values.get(current).split(",")) {
          if (!o.isBlank()) {
            origins.add(o.trim());
          }
        }
        b.allowedOrigins(origins);
      }
      current = "--secure-cookies";
      if (values.containsKey(current)) {
        b.secureCookies(bool(current, values.get(current)));
      }
      current = "--trusted-proxies";
      if (values.containsKey(current)) {
        List<String> proxies = new ArrayList<>();
        for (String p : values.get(current).split(",")) {
          if (!p.isBlank()) {
            proxies.add(p.trim());
          }
        }
        b.trustedProxies(new LinkedHashSet<>(proxies));
      }
      current = "--redis-uri";
      if (values.containsKey(current)) {
        b.redisUri(values.get(current).trim());
      }
      current = "--node-id";
      if (values.containsKey(current)) {
        b.nodeId(values.get(current).trim());
      }
      double ratePerSecond = ChatServer.Builder.DEFAULT_RATE_LIMIT_PER_SECOND;
      int rateBurst = ChatServer.Builder.DEFAULT_RATE_LIMIT_BURST;
      current = "--rate-limit";
      if (values.containsKey(current)) {
        ratePerSecond = number(current, values.get(current), "a number of messages per second > 0");
      }
      current = "--rate-burst";
      if (values.containsKey(current)) {
        double burst = number(current, values.get(current), "a whole number >= 1");
        if (burst != Math.rint(burst)) {
          throw new ConfigException(
              label(current) + ": '" + values.get(current) + "' (expected: a whole number >= 1)");
        }
        rateBurst = (int) Math.min(Integer.MAX_VALUE, burst);
      }
      current = values.containsKey("--rate-burst") ? "--rate-burst" : "--rate-limit";
      b.rateLimit(ratePerSecond, rateBurst);
    } catch (ChatException e) {
      // the builder's message names the field and the expectation; prefix the setting
      throw new ConfigException(label(current) + ": " + stripField(e.getMessage()));
    }
    return b;
  }

  private static double number(String flag, String text, String expected) {
    try {
      double v = Double.parseDouble(text.trim());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(label(flag) + ": '" + text + "' (expected: " + expected + ")");
  }

  private static String stripField(String message) {
    int colon = message.indexOf(": ");
    return colon > 0 && colon < 20 ? message.substring(colon + 2) : message;
  }

  private static boolean bool(String flag, String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException(label(flag) + ": '" + value + "' (expected: true or false)");
    }
    return v.equals("true");
  }

  private static String label(String flag) {
    Option o = find(flag);
    return o == null ? flag : o.env() + " / " + o.flag();
  }

  private static @Nullable Option find(String flag) {
    for (Option o : OPTIONS) {
      if (o.flag().equals(flag)) {
        return o;
      }
    }
    return null;
  }

  /** The names of every environment variable read, for documentation and tests. */
  public static List<String> environmentVariables() {
    List<String> names = new ArrayList<>();
    for (Option o : OPTIONS) {
      names.add(o.env());
    }
    return names;
  }
}
