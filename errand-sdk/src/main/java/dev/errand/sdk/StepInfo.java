package dev.errand.sdk;

/**
 * The step a block is running in, from {@link TaskContext#currentStep()}.
 *
 * @param name the step's name
 * @param index how many steps of this name the run reached before this one (0 for the first)
 * @param position the step's place among everything the run recorded (steps and waits), from 0
 * @param idempotencyKey {@code runId:name:index}: the same on every attempt of this step, so pass
 *     it to downstream APIs (a payment provider's idempotency key) to make a repeated effect
 *     harmless
 * @param attempt the 1-based try of this step within the current attempt (more than 1 when the
 *     step's own retry policy retries it)
 */
public record StepInfo(String name, int index, int position, String idempotencyKey, int attempt) {}
