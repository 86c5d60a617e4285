package dev.errand.cli.projects;

import static dev.errand.cli.api.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.cli.api.AdminCommand;
import dev.errand.cli.api.ApiClient;
import dev.errand.cli.api.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code errand projects} commands. */
final class ProjectCommands {
  static final String PROJECTS = "/api/v1/admin/projects";

  private ProjectCommands() {}

  private static String environments(JsonNode project) {
    java.util.List<String> envs = new ArrayList<>();
    project.path("environments").forEach(e -> envs.add(e.asText()));
    return String.join(", ", envs);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a project with its environments (default: dev, staging and prod).",
        "",
        "Examples:",
        "  errand projects create acme",
        "  errand projects create billing --environments dev,prod",
        ""
      })
  static final class Create extends AdminCommand {
    @Parameters(paramLabel = "PROJECT", description = "Lowercase letters, digits and dashes.")
    String slug;

    @Option(
        names = "--environments",
        split = ",",
        paramLabel = "ENV",
        description = "Its environments (default: dev,staging,prod).")
    java.util.List<String> environments;

    @Override
    protected JsonNode execute(ApiClient client) {
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("slug", slug);
      if (environments != null) {
        ArrayNode envs = body.putArray("environments");
        environments.forEach(e -> envs.add(e.strip()));
      }
      return client.post(PROJECTS, body);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Created project "
              + answer.path("slug").asText()
              + " with environments "
              + environments(answer));
      out.println(
          "Create a key: errand keys create --project "
              + answer.path("slug").asText()
              + " --env "
              + answer.path("environments").path(0).asText()
              + " --name NAME --type admin");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the projects.")
  static final class List extends AdminCommand {
    @Override
    protected JsonNode execute(ApiClient client) {
      return client.get(PROJECTS);
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      Table table = new Table("PROJECT", "ENVIRONMENTS", "CREATED");
      for (JsonNode p : answer.path("data")) {
        table.row(p.path("slug").asText(), environments(p), p.path("createdAt").asText());
      }
      if (table.isEmpty()) {
        out.println("No projects. Create one with `errand projects create`.");
      } else {
        table.print(out);
      }
    }
  }

  @Command(
      name = "add-environment",
      mixinStandardHelpOptions = true,
      description =
          "Adds an environment to a project, e.g. errand projects add-environment acme qa")
  static final class AddEnvironment extends AdminCommand {
    @Parameters(index = "0", paramLabel = "PROJECT")
    String project;

    @Parameters(index = "1", paramLabel = "ENV", description = "Lowercase letters, digits, dashes.")
    String environment;

    @Override
    protected JsonNode execute(ApiClient client) {
      return client.post(
          PROJECTS + "/" + segment(project) + "/environments",
          JsonNodeFactory.instance.objectNode().put("slug", environment));
    }

    @Override
    protected void print(JsonNode answer, PrintWriter out) {
      out.println(
          "Added environment "
              + answer.path("slug").asText()
              + " to project "
              + answer.path("project").asText());
    }
  }
}
