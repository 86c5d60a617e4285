package dev.errand.sdk;

/**
 * The body of a task. May throw any exception, checked ones included: a throw fails the attempt,
 * and the task's {@link RetryPolicy} decides whether another follows.
 *
 * @param <P> the payload type
 * @param <O> the output type
 */
@FunctionalInterface
public interface TaskFunction<P, O> {
  O run(P payload, TaskContext ctx) throws Exception;
}
