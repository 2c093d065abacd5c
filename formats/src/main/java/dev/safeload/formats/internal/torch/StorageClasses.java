package dev.safeload.formats.internal.torch;

import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.pickle.PickleProfile;
import java.util.List;

/**
 * torch's typed storage classes ({@code torch.FloatStorage}, ...) and the dtype and element size
 * each one stands for: one table for every pickle profile that admits them, so that a class means
 * the same storage under each.
 */
public final class StorageClasses {
  private record Entry(String name, String dtype, int elementSize) {}

  /** Real-number and boolean storages: what both torch.save and torch.jit.save write. */
  private static final List<Entry> PLAIN =
      List.of(
          new Entry("DoubleStorage", "float64", 8),
          new Entry("FloatStorage", "float32", 4),
          new Entry("HalfStorage", "float16", 2),
          new Entry("BFloat16Storage", "bfloat16", 2),
          new Entry("LongStorage", "int64", 8),
          new Entry("IntStorage", "int32", 4),
          new Entry("ShortStorage", "int16", 2),
          new Entry("CharStorage", "int8", 1),
          new Entry("ByteStorage", "uint8", 1),
          new Entry("BoolStorage", "bool", 1));

  /**
   * Complex and quantized storages (quantized ones only with {@code _rebuild_qtensor}); the
   * sub-byte QUInt4x2/QUInt2x4 pack several elements per byte and are left out.
   */
  private static final List<Entry> COMPLEX_AND_QUANTIZED =
      List.of(
          new Entry("ComplexDoubleStorage", "complex128", 16),
          new Entry("ComplexFloatStorage", "complex64", 8),
          new Entry("QUInt8Storage", "quint8", 1),
          new Entry("QInt8Storage", "qint8", 1),
          new Entry("QInt32Storage", "qint32", 4));

  private StorageClasses() {}

  /** Admits the real-number and boolean storage classes. */
  public static void allowPlain(PickleProfile.Builder b) {
    allow(b, PLAIN);
  }

  /** Admits the complex and quantized storage classes. */
  public static void allowComplexAndQuantized(PickleProfile.Builder b) {
    allow(b, COMPLEX_AND_QUANTIZED);
  }

  private static void allow(PickleProfile.Builder b, List<Entry> entries) {
    for (Entry e : entries) {
      b.allowGlobal("torch", e.name(), GlobalRule.torchStorageType(e.dtype(), e.elementSize()));
    }
  }
}
