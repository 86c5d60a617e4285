package dev.errand.cli.envvars;

import static dev.errand.cli.api.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.ApiCommand;
import dev.errand.cli.api.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code errand envvars set|list|delete}. */
final class EnvVarCommands {
  static final String ENVVARS = "/api/v1/envvars/";

  private EnvVarCommands() {}

  static String vars(String env) {
    return ENVVARS + segment(env);
  }

  static String variable(String env, String name) {
    return vars(env) + "/" + segment(name);
  }

  /** Where a value comes from; standard input when none is given. */
  static final class ValueSource {
    @Option(
        names = "--value-file",
        paramLabel = "PATH",
        description = "Read the value from a file (one trailing newline is dropped).")
    Path file;

    @Option(
        names = "--value-env",
        paramLabel = "VAR",
        description = "Read the value from environment variable VAR.")
    String env;

    @Option(
        names = "--value",
        paramLabel = "VALUE",
        description = "The value itself (it lands in your shell history: prefer stdin).")
    String value;
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Sets a variable of an environment; the value is read from standard input unless"
            + " --value-file, --value-env or --value gives it.",
        "Example: printf %s \"$STRIPE_KEY\" | errand envvars set dev STRIPE_KEY"
      })
  static final class Set extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ENV", description = "The environment's slug (dev).")
    String env;

    @Parameters(
        index = "1",
        paramLabel = "NAME",
        description = "The variable's name (A-Z, 0-9, _).")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Value (default: stdin):%n")
    ValueSource source;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.put(
          variable(env, name), JsonNodeFactory.instance.objectNode().put("value", value()));
    }

    private String value() {
      if (source != null && source.value != null) {
        return source.value;
      }
      if (source != null && source.env != null) {
        String v = System.getenv(source.env);
        if (v == null) {
          throw usage("environment variable " + source.env + " is not set");
        }
        return v;
      }
      String text;
      try {
        text =
            source != null && source.file != null
                ? Files.readString(source.file, StandardCharsets.UTF_8)
                : readAll(System.in);
      } catch (IOException e) {
        throw usage(
            "cannot read the value from "
                + (source != null && source.file != null ? source.file : "standard input")
                + ": "
                + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file"
                    : e.getMessage()));
      }
      return dropTrailingNewline(text);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          (answer.path("created").asBoolean() ? "Created " : "Updated ")
              + answer.path("name").asText()
              + " in environment "
              + answer.path("environment").asText());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists an environment's variables: names and times, never values.")
  static final class List extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ENV", description = "The environment's slug (dev).")
    String env;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(vars(env));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table = new Table("NAME", "CREATED", "UPDATED");
      for (JsonNode v : answer.path("data")) {
        table.row(
            v.path("name").asText(), v.path("createdAt").asText(), v.path("updatedAt").asText());
      }
      if (table.isEmpty()) {
        out.println(
            "No variables in environment "
                + answer.path("environment").asText()
                + ". Set one with `errand envvars set`.");
      } else {
        table.print(out);
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a variable of an environment.")
  static final class Delete extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ENV", description = "The environment's slug (dev).")
    String env;

    @Parameters(index = "1", paramLabel = "NAME", description = "The variable's name.")
    String name;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.delete(variable(env, name));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println("Deleted " + name + " from environment " + env);
    }
  }

  static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** {@code text} without one trailing {@code \n} or {@code \r\n} (what echo and editors add). */
  static String dropTrailingNewline(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    if (text.endsWith("\n")) {
      return text.substring(0, text.length() - 1);
    }
    return text;
  }
}
