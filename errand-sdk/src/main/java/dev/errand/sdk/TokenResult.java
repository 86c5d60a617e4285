package dev.errand.sdk;

import java.util.Objects;

/**
 * How a wait on a token ended: completed with data ({@link #ok()}), or timed out.
 *
 * @param <T> the data's type
 */
public final class TokenResult<T> {
  private final String tokenId;
  private final T output;
  private final boolean ok;

  private TokenResult(String tokenId, T output, boolean ok) {
    this.tokenId = tokenId;
    this.output = output;
    this.ok = ok;
  }

  public static <T> TokenResult<T> completed(String tokenId, T output) {
    return new TokenResult<>(tokenId, output, true);
  }

  public static <T> TokenResult<T> timedOut(String tokenId) {
    return new TokenResult<>(tokenId, null, false);
  }

  public String tokenId() {
    return tokenId;
  }

  /** Whether the token was completed (true) or timed out (false). */
  public boolean ok() {
    return ok;
  }

  public boolean isTimeout() {
    return !ok;
  }

  /** The data the token was completed with; null when it timed out. */
  public T output() {
    return output;
  }

  /**
   * The data, or an exception when the token timed out.
   *
   * @throws ErrandException when the token timed out
   */
  public T unwrap() {
    if (!ok) {
      throw new ErrandException("token " + tokenId + " timed out before it was completed");
    }
    return output;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenResult<?> r
        && r.ok == ok
        && r.tokenId.equals(tokenId)
        && Objects.equals(r.output, output);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokenId, output, ok);
  }

  @Override
  public String toString() {
    return ok
        ? "TokenResult[" + tokenId + " ok " + output + "]"
        : "TokenResult[" + tokenId + " timed out]";
  }
}
