package dev.errand.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub-style {@code push} deliveries, as GitHub sends them: a JSON body of about 1.9 KB with
 * fresh commit hashes and times each time, a unique {@code X-GitHub-Delivery} id, and {@code
 * X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. Each delivery is built and signed
 * when it is sent; a redelivery resends the same bytes, id and signature, as GitHub does. Not
 * thread-safe: one per sender.
 */
final class GitHubPush {

  /** One signed delivery. */
  record Delivery(String key, byte[] body, String signature) {}

  private static final HexFormat HEX = HexFormat.of();

  private final Mac mac;
  private final RandomGenerator random;

  GitHubPush(String secret, RandomGenerator random) {
    try {
      this.mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    this.random = random;
  }

  /** A new delivery with the GUID {@code key}, signed. */
  Delivery next(UUID key, long seq) {
    byte[] body = body(seq).getBytes(StandardCharsets.UTF_8);
    return new Delivery(key.toString(), body, "sha256=" + HEX.formatHex(mac.doFinal(body)));
  }

  /** The POST that delivers {@code d} to {@code url}. */
  static HttpRequest request(URI url, Delivery d, Duration timeout) {
    return HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "GitHub-Hookshot/errand-bench")
        .header("X-GitHub-Event", "push")
        .header("X-GitHub-Delivery", d.key())
        .header("X-GitHub-Hook-ID", "424242")
        .header("X-Hub-Signature-256", d.signature())
        .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
        .build();
  }

  private String body(long seq) {
    String before = sha();
    String after = sha();
    String time = Instant.ofEpochMilli(System.currentTimeMillis()).toString();
    return """
        {"ref":"refs/heads/main","before":"%1$s","after":"%2$s",\
        "repository":{"id":812345678,"node_id":"R_kgDOMHxRTg","name":"errand-bench",\
        "full_name":"errand-dev/errand-bench","private":false,\
        "owner":{"name":"errand-dev","login":"errand-dev","id":170000001,\
        "html_url":"https://github.com/errand-dev","type":"Organization"},\
        "html_url":"https://github.com/errand-dev/errand-bench",\
        "fork":false,"created_at":1718000000,"pushed_at":%5$d,"default_branch":"main"},\
        "pusher":{"name":"octocat","email":"octocat@users.noreply.github.com"},\
        "sender":{"login":"octocat","id":583231,"type":"User","site_admin":false},\
        "created":false,"deleted":false,"forced":false,"base_ref":null,\
        "compare":"https://github.com/errand-dev/errand-bench/compare/%3$s...%4$s",\
        "commits":[%6$s],"head_commit":%6$s}"""
        .formatted(
            before,
            after,
            before.substring(0, 12),
            after.substring(0, 12),
            System.currentTimeMillis() / 1000,
            commit(after, seq, time));
  }

  private String commit(String id, long seq, String time) {
    return """
        {"id":"%1$s","tree_id":"%2$s","distinct":true,\
        "message":"Handle delivery %3$d\\n\\nSigned-off-by: Octo Cat <octocat@github.com>",\
        "timestamp":"%4$s","url":"https://github.com/errand-dev/errand-bench/commit/%1$s",\
        "author":{"name":"Octo Cat","email":"octocat@github.com","username":"octocat"},\
        "added":[],"removed":[],"modified":["src/main/java/Handler.java","README.md"]}"""
        .formatted(id, sha(), seq, time);
  }

  private String sha() {
    byte[] b = new byte[20];
    random.nextBytes(b);
    return HEX.formatHex(b);
  }
}
