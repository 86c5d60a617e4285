package dev.errand.server.engine;

/**
 * Size limits on what runs carry. Validated on construction.
 *
 * @param maxPayloadBytes largest payload a trigger, batch item, replay or child trigger may carry,
 *     as UTF-8 JSON; larger ones are refused with {@code 413 payload_too_large}
 * @param maxOutputBytes largest output a run or a step may record, as UTF-8 JSON; a run whose
 *     output is larger fails ({@value Dispatcher#OUTPUT_TOO_LARGE}, not retried), a step whose
 *     output is larger is refused with {@code 413 output_too_large}
 * @param maxMetadataBytes largest metadata object a trigger, batch item or child trigger may attach
 *     to a run, as UTF-8 JSON; larger ones are refused with {@code 400 invalid_options}
 */
public record RunLimits(int maxPayloadBytes, int maxOutputBytes, int maxMetadataBytes) {

  /** Default payload limit: 3 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 3 * 1024 * 1024;

  /** Default output limit: 10 MiB. */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

  /** Default metadata limit: 64 KiB. */
  public static final int DEFAULT_MAX_METADATA_BYTES = 64 * 1024;

  /** The most any limit may be set to: 64 MiB. */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  public static final RunLimits DEFAULTS =
      new RunLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_OUTPUT_BYTES);

  public RunLimits {
    check("maxPayloadBytes", maxPayloadBytes);
    check("maxOutputBytes", maxOutputBytes);
    check("maxMetadataBytes", maxMetadataBytes);
  }

  /** Payload and output limits with the default metadata limit. */
  public RunLimits(int maxPayloadBytes, int maxOutputBytes) {
    this(maxPayloadBytes, maxOutputBytes, DEFAULT_MAX_METADATA_BYTES);
  }

  private static void check(String name, int bytes) {
    if (bytes < 1024 || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          name + " must be from 1024 to " + MAX_BYTES + " bytes, was " + bytes);
    }
  }

  /** The UTF-8 length of {@code text} without encoding it. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
