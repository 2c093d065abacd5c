package dev.safeload.formats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Setting;
import dev.safeload.formats.gguf.Gguf;
import dev.safeload.formats.json.Json;
import dev.safeload.formats.numpy.NumPy;
import dev.safeload.formats.onnx.Onnx;
import dev.safeload.formats.pickle.Pickle;
import dev.safeload.formats.pytorch.PyTorch;
import dev.safeload.formats.safetensors.Safetensors;
import dev.safeload.formats.tokenizer.Tokenizers;
import dev.safeload.formats.zip.Zip;
import dev.safeload.spi.SettingCatalog;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The catalog a policy file is checked against lists every setting the handlers declare. */
class FormatSettingsTest {
  @Test
  void everyDeclaredSettingIsListedAndFoundAsAService() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (Class<?> c :
        new Class<?>[] {
          Json.class,
          Gguf.class,
          NumPy.class,
          Onnx.class,
          Safetensors.class,
          Pickle.class,
          Tokenizers.class,
          PyTorch.class,
          Zip.class
        }) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == Setting.class) {
          declared.add(((Setting<?>) f.get(null)).name());
        }
      }
    }
    Set<String> listed = new TreeSet<>();
    for (SettingCatalog catalog : ServiceLoader.load(SettingCatalog.class)) {
      catalog.settings().forEach(s -> listed.add(s.name()));
    }
    assertEquals(declared, listed);
  }
}
