package dev.errand.sdk;

/**
 * What a trigger returns: the run's id, and the output type to read it back with.
 *
 * @param id the run id, such as {@code run_01JD...}
 * @param outputType the task's output type
 */
public record RunHandle<O>(String id, Class<O> outputType) {}
