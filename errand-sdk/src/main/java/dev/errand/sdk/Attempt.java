package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One attempt of a run.
 *
 * @param number 1-based
 * @param status {@code EXECUTING}, {@code COMPLETED}, {@code FAILED}, {@code CRASHED} (lease
 *     expired) or {@code CANCELED}
 * @param workerId the worker that ran it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Attempt(
    int number,
    String status,
    String workerId,
    Instant startedAt,
    Instant finishedAt,
    RunError error) {}
