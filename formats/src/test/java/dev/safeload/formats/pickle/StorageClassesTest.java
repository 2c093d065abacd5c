package dev.safeload.formats.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.pytorch.TorchScriptProfile;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The torch storage classes each profile admits, from the one table: the same class means the same
 * dtype and element size under every profile, and TorchScript pickles admit only the real-number
 * and boolean ones.
 */
class StorageClassesTest {
  private static void storage(PickleProfile p, String name, String dtype, int elementSize) {
    GlobalRule r =
        p.rule("torch", name).orElseThrow(() -> new AssertionError(p.name() + " " + name));
    assertEquals(GlobalRule.Kind.TORCH_STORAGE_TYPE, r.kind());
    assertEquals(dtype, r.dtype(), name);
    assertEquals(elementSize, r.elementSize(), name);
  }

  private static void absent(PickleProfile p, String name) {
    Optional<GlobalRule> r = p.rule("torch", name);
    assertTrue(r.isEmpty(), p.name() + " admits " + name);
  }

  @Test
  void weightsProfilesAdmitPlainComplexAndQuantizedStorages() {
    for (PickleProfile p :
        new PickleProfile[] {
          PickleProfile.torchWeightsStrict(), PickleProfile.torchWeightsExtended()
        }) {
      storage(p, "FloatStorage", "float32", 4);
      storage(p, "BFloat16Storage", "bfloat16", 2);
      storage(p, "BoolStorage", "bool", 1);
      storage(p, "ComplexDoubleStorage", "complex128", 16);
      storage(p, "QInt32Storage", "qint32", 4);
      absent(p, "QUInt4x2Storage"); // sub-byte: several elements per byte
    }
  }

  @Test
  void torchScriptPicklesAdmitOnlyPlainStorages() {
    PickleProfile p = TorchScriptProfile.picklesStrict();
    storage(p, "FloatStorage", "float32", 4);
    storage(p, "DoubleStorage", "float64", 8);
    storage(p, "ByteStorage", "uint8", 1);
    absent(p, "ComplexFloatStorage");
    absent(p, "QUInt8Storage");
  }
}
