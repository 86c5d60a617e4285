package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A step or wait a run recorded, as read back from the server.
 *
 * @param position its place among everything the run recorded, from 0
 * @param index how many steps of this name came before it
 * @param kind {@code STEP}, {@code WAIT}, {@code TOKEN} (a wait on a token) or {@code CHILDREN} (a
 *     wait on child runs)
 * @param status {@code COMPLETED}, {@code FAILED} or {@code WAITING}
 * @param attempt the run attempt that recorded it
 * @param attempts how often the block ran in that attempt (more than 1 with a step retry policy)
 * @param output the recorded result as JSON
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunStep(
    int position,
    String name,
    int index,
    String kind,
    String status,
    int attempt,
    int attempts,
    Instant startedAt,
    Instant finishedAt,
    JsonNode output,
    RunError error) {}
