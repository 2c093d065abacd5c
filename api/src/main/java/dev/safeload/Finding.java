package dev.safeload;

import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One reason a file or a model was rejected.
 *
 * @param reason the stable reason code
 * @param file the file's name relative to the model root ({@code /}-separated), or {@code null} for
 *     a finding about the model as a whole
 * @param offset byte offset in the file where the problem was found, or {@code -1} if unknown
 * @param message a short human-readable explanation; never contains model bytes beyond short names
 */
public record Finding(ReasonCode reason, @Nullable String file, long offset, String message) {

  /** Offset value meaning "no particular byte". */
  public static final long NO_OFFSET = -1;

  public Finding {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (offset < NO_OFFSET) {
      throw new IllegalArgumentException("offset must be >= 0 or NO_OFFSET");
    }
  }

  /** The offset, if the problem is tied to a byte position. */
  public OptionalLong byteOffset() {
    return offset == NO_OFFSET ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(reason.code());
    if (file != null) {
      sb.append(' ').append(file);
    }
    if (offset != NO_OFFSET) {
      sb.append('@').append(offset);
    }
    return sb.append(": ").append(message).toString();
  }
}
