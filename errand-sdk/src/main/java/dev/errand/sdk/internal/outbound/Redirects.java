package dev.errand.sdk.internal.outbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which responses the outbound client follows and what the next request is, as browsers and the
 * JDK's own redirect policy do it.
 *
 * <ul>
 *   <li>301, 302, 303, 307 and 308 with a {@code Location} are followed; an https response that
 *       redirects to http is not (it is returned as is).
 *   <li>303 turns the request into a GET without body (a HEAD stays a HEAD); 301 and 302 turn a
 *       POST into a GET without body and keep any other method; 307 and 308 keep the method and the
 *       body.
 *   <li>A redirect to another origin (scheme, host or port) drops {@code Authorization}, {@code
 *       Cookie}, {@code Origin} and {@code Referer}; a dropped body takes its {@code Content-*}
 *       headers with it.
 * </ul>
 */
public final class Redirects {
  private static final Set<Integer> FOLLOWED = Set.of(301, 302, 303, 307, 308);
  private static final Set<String> CREDENTIALS =
      Set.of("authorization", "cookie", "origin", "referer");

  private Redirects() {}

  /** Where a response redirects to, when it is one the client follows. */
  public static Optional<URI> location(int status, HttpHeaders headers, Target from) {
    if (!FOLLOWED.contains(status)) {
      return Optional.empty();
    }
    Optional<String> location = headers.firstValue("Location");
    if (location.isEmpty()) {
      return Optional.empty();
    }
    URI next;
    try {
      next = from.wireUri().resolve(new URI(location.get().strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    if (from.secure() && "http".equalsIgnoreCase(next.getScheme())) {
      return Optional.empty(); // no downgrade from https
    }
    return Optional.of(next);
  }

  /** The request that follows a {@code status} redirect of {@code previous} to {@code to}. */
  public static HttpRequest next(HttpRequest previous, int status, Target from, Target to) {
    String method = previous.method();
    boolean toGet =
        (status == 303 && !method.equals("HEAD"))
            || ((status == 301 || status == 302) && method.equals("POST"));
    boolean crossOrigin = !from.origin().equals(to.origin());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                previous,
                (name, value) -> {
                  String n = name.toLowerCase(Locale.ROOT);
                  return !(crossOrigin && CREDENTIALS.contains(n))
                      && !(toGet && n.startsWith("content-"));
                })
            .uri(to.wireUri());
    if (toGet) {
      b.GET();
    }
    return b.build();
  }
}
