package dev.chatctl.server.config;

import dev.chatctl.util.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A database to connect to, from DATABASE_URL: Prisma's form {@code
 * postgresql://user:pass@host:5432/db?schema=public} (also {@code postgres://}), a {@code jdbc:}
 * URL, or none (the embedded H2 database file under the data directory).
 *
 * @param jdbcUrl the JDBC URL, without the credentials
 * @param schema the schema to use and migrate (Prisma's {@code ?schema=}), or null for the default
 * @param display a description for logs and errors, without the password
 */
public record DatabaseUrl(
    Kind kind, String jdbcUrl, String user, String password, String schema, String display) {

  public enum Kind {
    POSTGRESQL,
    H2
  }

  /** Prisma query parameters with no JDBC meaning (pool settings of Prisma's own engine). */
  private static final java.util.Set<String> PRISMA_ONLY =
      java.util.Set.of(
          "connection_limit",
          "pool_timeout",
          "pgbouncer",
          "statement_cache_size",
          "socket_timeout",
          "sslaccept",
          "sslidentity",
          "sslpassword");

  /** The embedded database file: {@code <dataDir>/chatctl.mv.db}. */
  public static DatabaseUrl embedded(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve("chatctl");
    // AUTO_SERVER lets `chatctl users` and `chatctl db` open the file while `serve` holds it;
    // WRITE_DELAY=0: a commit is on disk before it is acknowledged (H2 keeps it in memory for
    // 500 ms by default, and a kill -9 would lose acknowledged messages and reuse their offsets)
    String url = "jdbc:h2:file:" + file + ";DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE;WRITE_DELAY=0";
    return new DatabaseUrl(
        Kind.H2, url, "sa", "", null, "embedded H2 database " + dataDir.resolve("chatctl.mv.db"));
  }

  public static DatabaseUrl parse(String url) {
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return fromJdbcPostgres(trimmed);
    }
    if (trimmed.startsWith("jdbc:h2:")) {
      return new DatabaseUrl(Kind.H2, trimmed, null, null, null, "H2 database " + trimmed);
    }
    if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
      return fromPrisma(trimmed);
    }
    throw new ConfigException(
        "DATABASE_URL must be postgresql://user:pass@host:5432/db, postgres://..., or a jdbc:postgresql: or jdbc:h2: URL");
  }

  private static DatabaseUrl fromPrisma(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("DATABASE_URL is not a valid URL: " + e.getReason());
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new ConfigException("DATABASE_URL has no host: " + redact(url));
    }
    String database =
        uri.getPath() == null || uri.getPath().length() <= 1 ? "" : uri.getPath().substring(1);
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    Map<String, String> query = queryParameters(uri.getRawQuery());
    String schema = query.remove("schema");
    StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
    for (Map.Entry<String, String> p : query.entrySet()) {
      if (PRISMA_ONLY.contains(p.getKey())) {
        continue;
      }
      String key = p.getKey().equals("connect_timeout") ? "connectTimeout" : p.getKey();
      params.add(key + "=" + java.net.URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
    }
    if (schema != null && !schema.isEmpty()) {
      params.add("currentSchema=" + java.net.URLEncoder.encode(schema, StandardCharsets.UTF_8));
    }
    String hostPort =
        (host.contains(":") ? "[" + host + "]" : host)
            + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    String jdbc = "jdbc:postgresql://" + hostPort + "/" + database + params;
    String display =
        "PostgreSQL "
            + (user != null ? user + "@" : "")
            + hostPort
            + "/"
            + database
            + (schema != null && !schema.isEmpty() ? " (schema " + schema + ")" : "");
    return new DatabaseUrl(
        Kind.POSTGRESQL,
        jdbc,
        user,
        password,
        schema == null || schema.isEmpty() ? null : schema,
        display);
  }

  private static DatabaseUrl fromJdbcPostgres(String url) {
    int q = url.indexOf('?');
    Map<String, String> query = queryParameters(q < 0 ? null : url.substring(q + 1));
    String schema = query.getOrDefault("currentSchema", query.get("schema"));
    String jdbc = url;
    if (query.containsKey("schema") && !query.containsKey("currentSchema")) {
      jdbc = url.replaceFirst("([?&])schema=", "$1currentSchema=");
    }
    String user = query.get("user");
    String display =
        "PostgreSQL "
            + redact(url.substring(0, q < 0 ? url.length() : q))
            + (schema != null ? " (schema " + schema + ")" : "");
    return new DatabaseUrl(Kind.POSTGRESQL, jdbc, user, null, schema, display);
  }

  private static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      params.put(
          decode(eq < 0 ? pair : pair.substring(0, eq)),
          eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A URL with its password replaced by ***. */
  public static String redact(String url) {
    return url.replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
