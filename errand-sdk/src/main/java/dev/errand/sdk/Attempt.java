package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One attempt of a run.
 *
 * @param number 1-based
 * @param status {@code EXECUTING}, {@code SUSPENDED} (the run waits; the attempt goes on when it
 *     resumes), {@code COMPLETED}, {@code FAILED}, {@code CRASHED} (lease expired), {@code
 *     TIMED_OUT} (ran past its maximum duration) or {@code CANCELED}
 * @param workerId the worker that ran it (the latest one, for an attempt resumed after a wait)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Attempt(
    int number,
    String status,
    String workerId,
    Instant startedAt,
    Instant finishedAt,
    RunError error) {}
