package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.Tensors;
import dev.safeload.formats.internal.pickle.Value.SparseV;
import dev.safeload.formats.internal.pickle.Value.StorageV;
import dev.safeload.formats.internal.pickle.Value.TensorV;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared description building for both checkpoint layouts. */
final class Checkpoint {
  private Checkpoint() {}

  /**
   * Checks a sparse COO tensor's index values against its size, as torch's loader only does when
   * sparse invariant checks are switched on: an index outside the size makes {@code to_dense()} and
   * friends write out of bounds. The indices view may read each storage element at most once in
   * total (no stride-0 view over a tiny record), and all sparse tensors of a file together read at
   * most {@code budget[0]} indices (many views over one storage must not multiply the work).
   *
   * @param storage the bytes of the indices' storage (int64 elements)
   * @param at file offset of those bytes, for findings
   * @param budget index reads left for the file; decremented
   */
  static void checkSparse(SparseV s, ByteBuffer storage, ByteOrder order, long at, long[] budget) {
    TensorV ix = s.indices();
    long dims = ix.size()[0];
    long nnz = ix.size()[1];
    if (dims == 0 || nnz == 0) {
      return;
    }
    if (nnz > ix.storage().numel() / dims) {
      throw new FormatException(
          FormatReason.PYTORCH_SPARSE_INDEX_INVALID,
          at,
          "sparse indices of "
              + dims
              + " x "
              + nnz
              + " read a storage of "
              + ix.storage().numel()
              + " elements");
    }
    budget[0] -= dims * nnz;
    if (budget[0] < 0) {
      throw new FormatException(
          FormatReason.PYTORCH_SPARSE_INDEX_INVALID,
          at,
          "sparse tensors read their index storages more than once over (views of shared indices)");
    }
    ByteBuffer b = storage.duplicate().order(order);
    int base = b.position();
    for (int k = 0; k < dims; k++) {
      for (long j = 0; j < nnz; j++) {
        long e =
            ix.storageOffset()
                + k * ix.stride()[0]
                + j * ix.stride()[1]; // inside the storage: checked
        long v = b.getLong(base + (int) (e * 8));
        if (v < 0 || v >= s.size()[k]) {
          throw new FormatException(
              FormatReason.PYTORCH_SPARSE_INDEX_INVALID,
              at + e * 8,
              "sparse index " + v + " in dimension " + k + " is outside its size " + s.size()[k]);
        }
      }
    }
  }

  /**
   * Index reads allowed for all sparse tensors of a file: each stored index about twice, plus
   * slack.
   */
  static long[] sparseBudget(long fileSize) {
    return new long[] {(1L << 20) + fileSize / 4};
  }

  /**
   * @param storageData offset of each storage's bytes in the file, by key
   */
  static ModelDescription describe(
      String layout,
      String profile,
      List<String> globals,
      List<Tensors.Named> tensors,
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
      infos.add(
          new TensorInfo(
              n.name(),
              s.dtype(),
              shape,
              offset,
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
