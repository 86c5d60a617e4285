package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskTest {
  record In(String a) {}

  @Test
  void definesWithDefaults() {
    Task<In, String> t = Task.define("my-task", In.class, String.class).run((in, ctx) -> in.a());
    assertThat(t.id()).isEqualTo("my-task");
    assertThat(t.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(t.queue()).isEqualTo(Task.DEFAULT_QUEUE);
  }

  @Test
  void runFunctionMayThrowCheckedExceptions() {
    Task<In, String> t =
        Task.define("checked", In.class, String.class)
            .run(
                (in, ctx) -> {
                  throw new java.io.IOException("x");
                });
    assertThatThrownBy(() -> t.function().run(new In("a"), null))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void rejectsBadIds() {
    assertThatThrownBy(() -> Task.define("has space", In.class, String.class))
        .hasMessageContaining("task id")
        .hasMessageContaining("has space");
    assertThatThrownBy(() -> Task.define("", In.class, String.class))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
