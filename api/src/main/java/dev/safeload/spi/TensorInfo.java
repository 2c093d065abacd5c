package dev.safeload.spi;

import java.util.List;
import java.util.Objects;

/**
 * One tensor a handler found.
 *
 * @param name the tensor's name as stored in the file
 * @param dtype the element type as the format spells it, e.g. {@code BF16}
 * @param shape dimensions, outermost first; empty for a scalar
 * @param offset absolute byte offset of the data in the file
 * @param length length of the data in bytes
 */
public record TensorInfo(String name, String dtype, List<Long> shape, long offset, long length) {
  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
  }
}
