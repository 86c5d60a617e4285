package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.store.Stores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A real server on an embedded store (port 0) with a worker registering the given tasks, for the
 * tests of the CLI's API commands, and the CLI run in process against it.
 */
final class CliServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final ErrandServer server;
  final ErrandWorker worker;
  final String secretKey = SecretKeys.generate("test");

  /** The admin token the server is started with. */
  static final String ADMIN_TOKEN = "cli-test-admin-token-0123456789";

  CliServer(Path dir, Task<?, ?>... tasks) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    server =
        ErrandServer.builder()
            .store(Stores.embedded(data))
            .masterKey(MasterKey.generate())
            .host("127.0.0.1")
            .port(0)
            .adminToken(ADMIN_TOKEN)
            .build();
    server.start();
    server.bootstrap("default", "test", secretKey);
    worker =
        ErrandWorker.builder()
            .client(ErrandClient.builder().apiUrl(server.localUrl()).secretKey(secretKey).build())
            .register(tasks)
            .pollWait(Duration.ofSeconds(5))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    worker.start();
  }

  String url() {
    return server.localUrl();
  }

  /** {@code errand <group> <args> --api-url <server> --secret-key <key>}. */
  Result command(String group, String... args) {
    List<String> all = new ArrayList<>(List.of(group));
    all.addAll(List.of(args));
    all.addAll(List.of("--api-url", url(), "--secret-key", secretKey));
    return run(all.toArray(String[]::new));
  }

  /** {@code errand <group> <args> --api-url <server> --admin-token <token>}. */
  Result admin(String group, String... args) {
    List<String> all = new ArrayList<>(List.of(group));
    all.addAll(List.of(args));
    all.addAll(List.of("--api-url", url(), "--admin-token", ADMIN_TOKEN));
    return run(all.toArray(String[]::new));
  }

  /** {@code errand <args>}, in process; never a stack trace on stderr. */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ErrandCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("Exception");
    return new Result(code, out.toString(), err.toString());
  }

  /** The result, which must have exited 0. */
  static Result ok(Result result) {
    assertThat(result.exitCode()).as("out: %s%nerr: %s", result.out(), result.err()).isZero();
    return result;
  }

  /** What one CLI invocation printed and returned. */
  record Result(int exitCode, String out, String err) {
    /** The value of a {@code Label: value} line. */
    String field(String label) {
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + ":\\s+(.+)$").matcher(out);
      assertThat(m.find()).as("'%s' in:%n%s", label, out).isTrue();
      return m.group(1).strip();
    }

    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  @Override
  public void close() {
    worker.close();
    server.close();
  }
}
