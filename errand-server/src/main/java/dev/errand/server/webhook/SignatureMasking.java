package dev.errand.server.webhook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Headers as stored with a delivery: names lower case, and the values of signature and credential
 * headers replaced by {@value #MASK}. Stripe's header keeps its {@code t=} timestamp, which is not
 * secret and explains tolerance rejections.
 */
public final class SignatureMasking {
  /** What a masked value (or a masked part of one) becomes. */
  public static final String MASK = "[masked]";

  /** Headers masked whatever the verifier. */
  public static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "cookie", "proxy-authorization");

  private static final int MAX_TIMESTAMP_LENGTH = 20;

  private SignatureMasking() {}

  /**
   * The headers with lower-case names and masked values.
   *
   * @param signatureHeaders lower-case names, usually {@link Verifier#signatureHeaders()}
   */
  public static Map<String, List<String>> masked(Headers headers, Set<String> signatureHeaders) {
    Map<String, List<String>> masked = new LinkedHashMap<>();
    headers
        .asMap()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              boolean secret =
                  signatureHeaders.contains(lower) || CREDENTIAL_HEADERS.contains(lower);
              List<String> kept = new ArrayList<>(values.size());
              for (String value : values) {
                kept.add(!secret ? value : lower.equals("stripe-signature") ? stripe(value) : MASK);
              }
              masked.computeIfAbsent(lower, n -> new ArrayList<>()).addAll(kept);
            });
    masked.replaceAll((name, values) -> List.copyOf(values));
    return Collections.unmodifiableMap(masked);
  }

  /** {@code t=1700000000,v1=[masked],v0=[masked]}: the timestamp kept, every other part masked. */
  private static String stripe(String value) {
    List<String> parts = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      int equals = item.indexOf('=');
      String key = equals < 0 ? "" : item.substring(0, equals).trim();
      String rest = equals < 0 ? "" : item.substring(equals + 1).trim();
      if (key.equals("t") && isShortNumber(rest)) {
        parts.add("t=" + rest);
      } else if (!key.isEmpty() && key.length() <= 8 && ConfigText.isVisibleAscii(key)) {
        parts.add(key + "=" + MASK);
      } else {
        parts.add(MASK);
      }
    }
    return String.join(",", parts);
  }

  private static boolean isShortNumber(String text) {
    return !text.isEmpty()
        && text.length() <= MAX_TIMESTAMP_LENGTH
        && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
