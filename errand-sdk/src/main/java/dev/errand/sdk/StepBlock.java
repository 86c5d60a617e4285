package dev.errand.sdk;

/**
 * The body of a step that returns a value. May throw any exception, checked ones included.
 *
 * @param <T> the step's result type
 */
@FunctionalInterface
public interface StepBlock<T> {
  T run() throws Exception;
}
