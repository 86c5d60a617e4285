package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * A waitpoint token: a run waits on it with {@link TaskContext#waitForToken}, and a person or a
 * system completes it with data, through {@code POST /api/v1/waitpoints/tokens/{id}/complete} (API
 * key) or a POST to {@link #url()} (no key: the URL carries a signature).
 *
 * @param id such as {@code waitpoint_01JD...}
 * @param url the callback URL; POST a JSON body to it to complete the token
 * @param status {@code WAITING}, {@code COMPLETED} or {@code TIMED_OUT}
 * @param timeoutAt when the token times out; null for never
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WaitToken(
    String id,
    String url,
    String status,
    String idempotencyKey,
    List<String> tags,
    Instant timeoutAt,
    Instant createdAt,
    Instant completedAt) {}
