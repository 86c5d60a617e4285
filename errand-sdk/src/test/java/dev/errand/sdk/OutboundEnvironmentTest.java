package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker reads {@value OutboundPolicy#ALLOW_ENV}: checked in a JVM started with it set. */
class OutboundEnvironmentTest {

  /** Builds a worker and prints its outbound policy, or the build's error. */
  public static final class PrintWorkerPolicy {
    public static void main(String[] args) {
      Task<String, String> task = Task.define("t", String.class, String.class).run((in, ctx) -> in);
      ErrandClient client =
          ErrandClient.builder().apiUrl("http://127.0.0.1:1").secretKey("sk_test_x").build();
      try (ErrandWorker worker =
          ErrandWorker.builder()
              .client(client)
              .register(task)
              .outboundAllow("api.internal")
              .build()) {
        System.out.println(worker.outboundHttp().policy());
      } catch (IllegalArgumentException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }

  private static String run(String allow) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PrintWorkerPolicy.class.getName())
            .redirectErrorStream(true);
    pb.environment().put(OutboundPolicy.ALLOW_ENV, allow);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void theWorkerAddsTheEnvironmentsEntriesToItsOwn() throws Exception {
    assertThat(run(" 10.0.0.0/8, *.corp.example:8443 "))
        .contains("OutboundPolicy[allow=[10.0.0.0/8, *.corp.example:8443, api.internal]]");
  }

  @Test
  void anInvalidEntryInTheEnvironmentStopsTheBuildNamingTheVariable() throws Exception {
    assertThat(run("10.0.0.0/33"))
        .contains(
            "refused: ERRAND_OUTBOUND_ALLOW: outbound allow-list entry '10.0.0.0/33' is invalid");
  }
}
