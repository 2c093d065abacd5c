package dev.safeload.formats.safetensors;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds safetensors files byte by byte (following the format's spec) and runs handlers on them.
 */
final class St {
  private St() {}

  /**
   * A file: 8-byte little-endian header length, the header bytes, then {@code data} bytes 0,1,2,...
   */
  static byte[] file(byte[] header, int dataLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    for (int i = 0; i < dataLength; i++) {
      out.write(i);
    }
    return out.toByteArray();
  }

  static byte[] file(String header, int dataLength) {
    return file(header.getBytes(StandardCharsets.UTF_8), dataLength);
  }

  /** A file with a single tensor entry {@code "t": {entry}} and the given data length. */
  static byte[] one(String entry, int dataLength) {
    return file("{\"t\":{" + entry + "}}", dataLength);
  }

  /** The header as the reference writer lays it out: padded with spaces to a multiple of 8. */
  static byte[] padded(String header, int dataLength) {
    StringBuilder sb = new StringBuilder(header);
    while ((sb.length() % 8) != 0) {
      sb.append(' ');
    }
    return file(sb.toString(), dataLength);
  }

  /**
   * Findings of validating {@code bytes} with {@code handler} under {@code policy}, as the loader
   * records them.
   */
  static List<Finding> findings(FormatHandler handler, byte[] bytes, LoadPolicy policy) {
    List<Finding> sink = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("f", policy, sink);
    try {
      ModelDescription d = handler.validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
      if (d == null) {
        throw new AssertionError("no description");
      }
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    }
    return sink;
  }

  static List<ReasonCode> reasons(List<Finding> findings) {
    return findings.stream().map(Finding::reason).toList();
  }

  static ModelDescription describe(FormatHandler handler, byte[] bytes) {
    List<Finding> sink = new ArrayList<>();
    ModelDescription d =
        handler.validate(
            ModelBytes.of(ByteBuffer.wrap(bytes)),
            ValidationContext.collecting("f", LoadPolicy.strict(), sink));
    if (!sink.isEmpty()) {
      throw new AssertionError(sink.toString());
    }
    return d;
  }
}
