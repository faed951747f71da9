package dev.chatsdk.server;

import dev.chatsdk.server.internal.CommandLine;
import java.io.PrintStream;
import java.util.Map;

/**
 * The executable entry point of {@code chat-server.jar}: reads configuration from the environment
 * and flags ({@code --help} lists them), starts a {@link ChatServer} and shuts it down gracefully
 * on SIGTERM or Ctrl-C. Bad configuration ends the process with status 2 and one clear line.
 */
public final class Main {
  private Main() {}

  /** Runs the server until the process is asked to stop. */
  public static void main(String[] args) {
    // route Undertow's and XNIO's logging through SLF4J like the rest of the server
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    int status = run(args, System.getenv(), System.out, System.err);
    if (status >= 0) {
      System.exit(status);
    }
  }

  /**
   * Parses the configuration and starts the server. Returns an exit status when the process should
   * end now (0 after {@code --help}, 1 when the server could not start, 2 for bad configuration),
   * or -1 while the server runs (stopped by the shutdown hook).
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine.Parsed parsed;
    try {
      parsed = CommandLine.parse(args, env);
    } catch (CommandLine.ConfigException e) {
      err.println("chat-server: " + e.getMessage() + " (see --help)");
      return 2;
    }
    if (parsed.help()) {
      out.print(CommandLine.help());
      return 0;
    }
    ChatServer server = parsed.builder().build();
    try {
      server.start();
    } catch (RuntimeException e) {
      err.println("chat-server: could not start: " + e.getMessage());
      server.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chat-server-shutdown"));
    out.println("chat-server: listening on " + server.baseUri() + " (Ctrl-C to stop)");
    return -1;
  }
}
