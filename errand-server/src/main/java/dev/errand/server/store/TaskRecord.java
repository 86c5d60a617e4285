package dev.errand.server.store;

import java.time.Instant;

/**
 * A task definition as registered by a worker.
 *
 * @param retryPolicyJson the {@link dev.errand.sdk.RetryPolicy} as JSON
 * @param payloadSchemaJson the JSON schema payloads are validated against, or null
 * @param updatedAt set by the store; ignored on upsert
 */
public record TaskRecord(
    String taskId,
    String queue,
    int maxAttempts,
    String retryPolicyJson,
    String payloadSchemaJson,
    Instant updatedAt) {}
