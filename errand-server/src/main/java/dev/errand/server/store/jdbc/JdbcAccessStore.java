package dev.errand.server.store.jdbc;

import dev.errand.server.store.AccessStore;
import dev.errand.server.store.Store.Environment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link AccessStore} over JDBC: projects and environments here, API keys in {@link ApiKeyTable}.
 * Creation reads before it inserts, in one transaction; a concurrent insert of the same slug makes
 * the transaction run again (see {@link Database#transaction}), and then it finds the winner's row.
 */
final class JdbcAccessStore implements AccessStore {
  private static final String FIND_PROJECT =
      "SELECT id, slug, created_at FROM projects WHERE slug = ?";
  private static final String INSERT_PROJECT =
      "INSERT INTO projects (id, slug, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)";
  private static final String FIND_ENVIRONMENT =
      "SELECT 1 FROM environments WHERE project_id = ? AND slug = ?";
  private static final String INSERT_ENVIRONMENT =
      "INSERT INTO environments (id, project_id, slug, created_at)"
          + " VALUES (?, ?, ?, CURRENT_TIMESTAMP)";
  private static final String LIST =
      """
      SELECT p.id AS project_id, p.slug AS project_slug, p.created_at AS project_created_at,
             e.id, e.slug, e.created_at
      FROM projects p
      LEFT JOIN environments e ON e.project_id = p.id
      """;

  /** Environments made together (a new project's) in the usual order: dev, staging, prod. */
  private static final String ENVIRONMENT_ORDER =
      "e.created_at, CASE e.slug WHEN 'dev' THEN 0 WHEN 'staging' THEN 1 WHEN 'prod' THEN 2"
          + " ELSE 3 END, e.slug";

  private static final String ORDER = " ORDER BY p.slug, " + ENVIRONMENT_ORDER;

  private final Database database;
  private final Environments environments;
  private final ApiKeyTable keys;

  JdbcAccessStore(Database database, Environments environments) {
    this.database = database;
    this.environments = environments;
    this.keys = new ApiKeyTable(database);
  }

  @Override
  public Optional<ProjectRecord> createProject(String slug, List<String> environmentSlugs) {
    boolean created =
        database.transaction(
            "create project " + slug,
            connection -> {
              try (PreparedStatement find = connection.prepareStatement(FIND_PROJECT)) {
                find.setString(1, slug);
                try (ResultSet rs = find.executeQuery()) {
                  if (rs.next()) {
                    return false;
                  }
                }
              }
              UUID projectId = UUID.randomUUID();
              try (PreparedStatement insert = connection.prepareStatement(INSERT_PROJECT)) {
                insert.setObject(1, projectId);
                insert.setString(2, slug);
                insert.executeUpdate();
              }
              for (String environment : environmentSlugs) {
                insertEnvironment(connection, projectId, environment);
              }
              return true;
            });
    return created ? findProject(slug) : Optional.empty();
  }

  private static void insertEnvironment(Connection connection, UUID projectId, String slug)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_ENVIRONMENT)) {
      insert.setObject(1, UUID.randomUUID());
      insert.setObject(2, projectId);
      insert.setString(3, slug);
      insert.executeUpdate();
    }
  }

  @Override
  public List<ProjectRecord> listProjects() {
    return projects(LIST + ORDER, null);
  }

  @Override
  public Optional<ProjectRecord> findProject(String slug) {
    return projects(LIST + " WHERE p.slug = ?" + ORDER, slug).stream().findFirst();
  }

  private List<ProjectRecord> projects(String sql, String slug) {
    return database.read(
        "list projects",
        connection -> {
          Map<UUID, ProjectRecord> projects = new LinkedHashMap<>();
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (slug != null) {
              ps.setString(1, slug);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                UUID id = RunRows.uuid(rs, "project_id");
                ProjectRecord project =
                    projects.computeIfAbsent(
                        id, k -> new ProjectRecord(k, null, null, new ArrayList<>()));
                if (project.slug() == null) {
                  project =
                      new ProjectRecord(
                          id,
                          rs.getString("project_slug"),
                          RunRows.instant(rs, "project_created_at"),
                          project.environments());
                  projects.put(id, project);
                }
                String environment = rs.getString("slug");
                if (environment != null) {
                  project.environments().add(environment);
                }
              }
            }
          }
          return projects.values().stream()
              .map(
                  p ->
                      new ProjectRecord(
                          p.id(), p.slug(), p.createdAt(), List.copyOf(p.environments())))
              .toList();
        });
  }

  @Override
  public Optional<EnvironmentRecord> createEnvironment(UUID projectId, String slug) {
    boolean created =
        database.transaction(
            "create environment " + slug,
            connection -> {
              try (PreparedStatement find = connection.prepareStatement(FIND_ENVIRONMENT)) {
                find.setObject(1, projectId);
                find.setString(2, slug);
                try (ResultSet rs = find.executeQuery()) {
                  if (rs.next()) {
                    return false;
                  }
                }
              }
              insertEnvironment(connection, projectId, slug);
              return true;
            });
    if (!created) {
      return Optional.empty();
    }
    return listEnvironments(projectId).stream().filter(e -> e.slug().equals(slug)).findFirst();
  }

  @Override
  public List<EnvironmentRecord> listEnvironments(UUID projectId) {
    return database.read(
        "list environments",
        connection -> {
          List<EnvironmentRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT e.id, p.slug AS project_slug, e.slug, e.created_at FROM environments e"
                      + " JOIN projects p ON p.id = e.project_id WHERE e.project_id = ?"
                      + " ORDER BY "
                      + ENVIRONMENT_ORDER)) {
            ps.setObject(1, projectId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new EnvironmentRecord(
                        RunRows.uuid(rs, "id"),
                        rs.getString("project_slug"),
                        rs.getString("slug"),
                        RunRows.instant(rs, "created_at")));
              }
            }
          }
          return out;
        });
  }

  @Override
  public Optional<Environment> findEnvironment(String projectSlug, String environmentSlug) {
    return environments.find(projectSlug, environmentSlug);
  }

  @Override
  public Optional<ApiKeyRecord> createKey(NewApiKey key) {
    return keys.create(key);
  }

  @Override
  public List<ApiKeyRecord> listKeys(UUID environmentId) {
    return keys.list(environmentId);
  }

  @Override
  public Optional<ApiKeyRecord> findKey(UUID environmentId, UUID keyId) {
    return keys.find(environmentId, keyId);
  }

  @Override
  public Optional<ApiKeyRecord> findLiveKey(UUID environmentId, String name) {
    return keys.findLive(environmentId, name);
  }

  @Override
  public Optional<ApiKeyRecord> revokeKey(UUID environmentId, UUID keyId) {
    return keys.revoke(environmentId, keyId);
  }

  @Override
  public Optional<KeyMatch> findByHash(String keyHash) {
    return keys.findByHash(keyHash);
  }

  @Override
  public void touchKey(UUID keyId) {
    keys.touch(keyId);
  }
}
