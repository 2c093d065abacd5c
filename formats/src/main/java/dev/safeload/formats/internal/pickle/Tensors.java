package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.internal.pickle.Value.DictV;
import dev.safeload.formats.internal.pickle.Value.StrV;
import dev.safeload.formats.internal.pickle.Value.TensorV;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/** Finds the tensors of an unpickled checkpoint under their dict-key paths, for descriptions. */
public final class Tensors {
  private Tensors() {}

  /** A tensor and the path of dict keys leading to it ({@code /}-joined). */
  public record Named(String name, TensorV tensor) {}

  /** Tensors reachable through str-keyed dicts, at most {@code maxDepth} levels deep, in pickle order. */
  public static List<Named> find(Value root, int maxDepth, int maxCount) {
    List<Named> out = new ArrayList<>();
    walk(root, "", 0, maxDepth, maxCount, out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(Value v, String prefix, int depth, int maxDepth, int maxCount, List<Named> out,
      IdentityHashMap<Value, Boolean> seen) {
    if (out.size() >= maxCount || depth > maxDepth) {
      return;
    }
    if (v instanceof TensorV t) {
      out.add(new Named(prefix.isEmpty() ? "<root>" : prefix, t));
      return;
    }
    if (!(v instanceof DictV d) || seen.put(v, Boolean.TRUE) != null) {
      return;
    }
    for (int i = 0; i + 1 < d.items.size(); i += 2) {
      if (d.items.get(i) instanceof StrV k) {
        walk(d.items.get(i + 1), prefix.isEmpty() ? k.value() : prefix + "/" + k.value(), depth + 1, maxDepth,
            maxCount, out, seen);
      }
    }
  }
}
