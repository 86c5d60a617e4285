package dev.errand.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that makes one API call and prints its answer: as text for people, or with {@code
 * --json} as the API's JSON. Subclasses make the call and write the text; {@link ApiCommand} calls
 * with an environment's API key, {@link AdminCommand} with the server's admin token.
 */
public abstract class JsonCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Spec protected CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print the API's JSON instead of text.")
  protected boolean json;

  /** The client the call is made with. */
  abstract ApiClient client();

  @Override
  public final Integer call() {
    ApiClient client = client();
    JsonNode answer = execute(client);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      if (answer != null) {
        out.println(pretty(answer));
      }
    } else {
      print(answer, out);
    }
    out.flush();
    return 0;
  }

  /** Makes the call; its JSON answer, or null when the API answers 204. */
  protected abstract JsonNode execute(ApiClient client);

  /** Writes {@code answer} for people. */
  protected abstract void print(JsonNode answer, PrintWriter out);

  /** A usage error (exit code 2) with this message. */
  protected CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** Parses JSON typed or read by a person; a usage error naming {@code what} if it is not JSON. */
  protected JsonNode parseJson(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw usage(what + " is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A file's text, or standard input's for {@code -}; a usage error if it cannot be read. */
  protected String readFile(String path) {
    try {
      return path.equals("-")
          ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          : java.nio.file.Files.readString(java.nio.file.Path.of(path));
    } catch (java.io.IOException e) {
      throw usage("cannot read " + path + ": " + e);
    }
  }

  private static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
