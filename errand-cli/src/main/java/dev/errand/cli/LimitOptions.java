package dev.errand.cli;

import dev.errand.server.api.ApiLimits;
import dev.errand.server.engine.RunLimits;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The server's size and rate limits, as options of {@code errand server} and {@code errand dev}.
 */
final class LimitOptions {

  @Option(
      names = "--api-rate-limit",
      defaultValue = "" + ApiLimits.DEFAULT_REQUESTS_PER_SECOND,
      description =
          "Requests a second one API key may make to the REST API on this node, 0 for no limit"
              + " (default: ${DEFAULT-VALUE}).")
  int requestsPerSecond;

  @Option(
      names = "--api-burst",
      defaultValue = "" + ApiLimits.DEFAULT_BURST,
      description = "Requests a key may make at once above that rate (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(
      names = "--max-request-bytes",
      defaultValue = "" + ApiLimits.DEFAULT_MAX_REQUEST_BYTES,
      description = "Largest request body (default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(
      names = "--max-payload-bytes",
      defaultValue = "" + RunLimits.DEFAULT_MAX_PAYLOAD_BYTES,
      description = "Largest run payload, as JSON (default: ${DEFAULT-VALUE}).")
  int maxPayloadBytes;

  @Option(
      names = "--max-output-bytes",
      defaultValue = "" + RunLimits.DEFAULT_MAX_OUTPUT_BYTES,
      description = "Largest run or step output, as JSON (default: ${DEFAULT-VALUE}).")
  int maxOutputBytes;

  @Option(
      names = "--max-metadata-bytes",
      defaultValue = "" + RunLimits.DEFAULT_MAX_METADATA_BYTES,
      description =
          "Largest run metadata object (options.metadata), as JSON, from 1024 up"
              + " (default: ${DEFAULT-VALUE}).")
  int maxMetadataBytes;

  ApiLimits apiLimits(CommandLine commandLine) {
    try {
      return new ApiLimits(requestsPerSecond, Math.max(burst, requestsPerSecond), maxRequestBytes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }

  RunLimits runLimits(CommandLine commandLine) {
    try {
      return new RunLimits(maxPayloadBytes, maxOutputBytes, maxMetadataBytes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }
}
