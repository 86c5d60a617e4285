package dev.errand.sdk;

/** The body of a step without a result. May throw any exception, checked ones included. */
@FunctionalInterface
public interface StepAction {
  void run() throws Exception;
}
