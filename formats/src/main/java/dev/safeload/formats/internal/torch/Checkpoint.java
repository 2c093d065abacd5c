package dev.safeload.formats.internal.torch;

import dev.safeload.formats.internal.pickle.Tensors;
import dev.safeload.formats.internal.pickle.Value.StorageV;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared description building for both checkpoint layouts. */
final class Checkpoint {
  private Checkpoint() {}

  /**
   * @param storageData offset of each storage's bytes in the file, by key
   */
  static ModelDescription describe(String layout, String profile, List<String> globals, List<Tensors.Named> tensors,
      Map<String, Long> storageData) {
    List<TensorInfo> infos = new ArrayList<>();
    for (Tensors.Named n : tensors) {
      StorageV s = n.tensor().storage();
      List<Long> shape = new ArrayList<>();
      for (long d : n.tensor().size()) {
        shape.add(d);
      }
      long start = storageData.getOrDefault(s.key(), -1L);
      long offset = start < 0 ? -1 : start + n.tensor().storageOffset() * s.elementSize();
      infos.add(new TensorInfo(n.name(), s.dtype(), shape, offset,
          (s.numel() - n.tensor().storageOffset()) * s.elementSize()));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("pytorch.layout", layout);
    meta.put("pickle.profile", profile);
    meta.put("pickle.globals", String.join(",", globals));
    meta.put("pytorch.storages", String.valueOf(storageData.size()));
    return new ModelDescription("pytorch", infos, meta, List.of());
  }
}
