package dev.errand.server.store;

import java.util.List;
import java.util.UUID;

/** A run a claim handed to a worker, with its new attempt number and lease token. */
public record ClaimedRun(
    UUID runId,
    String taskId,
    String payloadJson,
    int attempt,
    long leaseToken,
    List<String> tags) {}
