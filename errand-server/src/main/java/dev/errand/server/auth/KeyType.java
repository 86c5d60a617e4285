package dev.errand.server.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do in its environment. Each type grants a fixed set of {@link Permission}s;
 * {@link Permissions} says which one each route needs.
 */
public enum KeyType {
  /** Everything in its environment. */
  ADMIN("admin", EnumSet.allOf(Permission.class)),
  /** What a worker needs: the worker protocol, waitpoint tokens, triggering children, runs. */
  WORKER(
      "worker",
      EnumSet.of(
          Permission.WORK,
          Permission.WAITPOINTS,
          Permission.TRIGGER,
          Permission.READ_RUN,
          Permission.LIST_RUNS)),
  /** Trigger runs and follow them by id; no listing. */
  TRIGGER_ONLY("trigger-only", EnumSet.of(Permission.TRIGGER, Permission.READ_RUN)),
  /** Every read of the environment, nothing that changes it. */
  READ_ONLY("read-only", EnumSet.of(Permission.READ_RUN, Permission.LIST_RUNS, Permission.READ));

  private final String slug;
  private final Set<Permission> permissions;

  KeyType(String slug, Set<Permission> permissions) {
    this.slug = slug;
    this.permissions = permissions;
  }

  /** The name the API, the CLI and the database use: {@code admin}, {@code trigger-only}, ... */
  public String slug() {
    return slug;
  }

  public boolean allows(Permission permission) {
    return permissions.contains(permission);
  }

  /** The types that grant {@code permission}, narrowest first. */
  public static List<KeyType> granting(Permission permission) {
    return Arrays.stream(values()).filter(t -> t.allows(permission)).toList().reversed();
  }

  /** The type of this slug (case-insensitive). */
  public static Optional<KeyType> of(String slug) {
    if (slug == null) {
      return Optional.empty();
    }
    String s = slug.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.slug.equals(s)).findFirst();
  }

  /** The slugs of all types, for messages. */
  public static String slugs() {
    return String.join(", ", Arrays.stream(values()).map(KeyType::slug).toList());
  }

  @Override
  public String toString() {
    return slug;
  }
}
