package dev.errand.server.store.jdbc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A PostgreSQL connection URL in any of the forms people paste: {@code
 * postgresql://user:password@host:port/database?param=value}, {@code postgres://...} or {@code
 * jdbc:postgresql://...}. User and password come from the URL's user info or from its {@code user}
 * / {@code password} parameters; other parameters go to the JDBC driver as they are. Immutable;
 * {@link #toString()} masks the password.
 *
 * @param hosts {@code host[:port]}, several separated by commas
 * @param database the database name, never empty
 * @param parameters driver parameters, without user and password, in the URL's order
 */
public record PostgresUrl(
    String hosts, String database, Map<String, String> parameters, String user, String password) {

  /** The rule a URL must follow, for error messages. */
  public static final String RULE =
      "a PostgreSQL URL must look like postgresql://user:password@host:port/database?param=value"
          + " (postgres:// and jdbc:postgresql:// work too)";

  private static final String[] PREFIXES = {"jdbc:postgresql://", "postgresql://", "postgres://"};
  private static final Pattern HOST =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._%-]+)(:[0-9]{1,5})?");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^/@:?]*:)[^/@?]*@");
  private static final Pattern PARAM_PASSWORD =
      Pattern.compile("((?:[?&])password=)[^&]*", Pattern.CASE_INSENSITIVE);

  public PostgresUrl {
    parameters = Map.copyOf(new LinkedHashMap<>(parameters));
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException naming {@link #RULE} and the URL (password masked)
   */
  public static PostgresUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(RULE + "; got an empty URL");
    }
    String text = url.strip();
    String rest = stripPrefix(text);
    if (rest == null) {
      throw invalid(text, "it starts with none of those schemes");
    }
    int slash = rest.indexOf('/');
    int question = rest.indexOf('?');
    int authorityEnd = slash >= 0 ? slash : (question >= 0 ? question : rest.length());
    String authority = rest.substring(0, authorityEnd);
    String pathAndQuery = rest.substring(authorityEnd);
    int at = authority.lastIndexOf('@');
    String userInfo = at >= 0 ? authority.substring(0, at) : null;
    String hosts = authority.substring(at + 1);
    checkHosts(text, hosts);

    int q = pathAndQuery.indexOf('?');
    String path = q >= 0 ? pathAndQuery.substring(0, q) : pathAndQuery;
    String query = q >= 0 ? pathAndQuery.substring(q + 1) : "";
    String database = decode(text, path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw invalid(text, "it names no database");
    }
    Map<String, String> parameters = parseQuery(text, query);
    String user = parameters.remove("user");
    String password = parameters.remove("password");
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(text, colon >= 0 ? userInfo.substring(0, colon) : userInfo);
      password = colon >= 0 ? decode(text, userInfo.substring(colon + 1)) : password;
    }
    return new PostgresUrl(hosts, database, parameters, user, password);
  }

  private static String stripPrefix(String text) {
    for (String prefix : PREFIXES) {
      if (text.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return text.substring(prefix.length());
      }
    }
    return null;
  }

  private static void checkHosts(String text, String hosts) {
    if (hosts.isEmpty()) {
      throw invalid(text, "it names no host");
    }
    for (String host : hosts.split(",", -1)) {
      var matcher = HOST.matcher(host);
      if (!matcher.matches()) {
        throw invalid(text, "'" + host + "' is not host[:port]");
      }
      if (matcher.group(2) != null) {
        int port = Integer.parseInt(matcher.group(2).substring(1));
        if (port < 1 || port > 65535) {
          throw invalid(text, "port " + port + " is not between 1 and 65535");
        }
      }
    }
  }

  private static Map<String, String> parseQuery(String text, String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw invalid(text, "parameter '" + mask(pair) + "' is not name=value");
      }
      parameters.put(decode(text, pair.substring(0, eq)), decode(text, pair.substring(eq + 1)));
    }
    return parameters;
  }

  private static String decode(String text, String value) {
    try {
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(text, "it has a bad %-escape");
    }
  }

  private static IllegalArgumentException invalid(String text, String reason) {
    return new IllegalArgumentException(RULE + "; " + reason + ": " + mask(text));
  }

  /** {@code text} with any password in it replaced by {@code ***}. */
  public static String mask(String text) {
    String masked = USER_INFO_PASSWORD.matcher(text).replaceAll("$1***@");
    return PARAM_PASSWORD.matcher(masked).replaceAll("$1***");
  }

  /** The same server and credentials, another database. */
  public PostgresUrl withDatabase(String name) {
    return new PostgresUrl(hosts, name, parameters, user, password);
  }

  /**
   * The JDBC URL, without user and password (pass those separately), with the driver defaults
   * Errand relies on unless the URL sets them: {@code reWriteBatchedInserts=true} (a batch of
   * inserts becomes multi-row statements) and {@code ApplicationName=errand}.
   */
  public String jdbcUrl() {
    Map<String, String> all = new LinkedHashMap<>(parameters);
    all.putIfAbsent("reWriteBatchedInserts", "true");
    all.putIfAbsent("ApplicationName", "errand");
    StringJoiner query = new StringJoiner("&", "?", "");
    all.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
    return "jdbc:postgresql://" + hosts + "/" + encode(database) + query;
  }

  /** This URL in the {@code postgresql://} form, password included: keep it out of logs. */
  public String toUri() {
    StringBuilder uri = new StringBuilder("postgresql://");
    if (user != null) {
      uri.append(encode(user));
      if (password != null) {
        uri.append(':').append(encode(password));
      }
      uri.append('@');
    }
    uri.append(hosts).append('/').append(encode(database));
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    parameters.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
    return uri.append(query).toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return mask(toUri());
  }
}
