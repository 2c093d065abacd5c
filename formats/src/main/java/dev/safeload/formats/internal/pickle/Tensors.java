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

  /**
   * Longest tensor name kept; longer key paths are cut (a name is for reports, not for lookups).
   */
  static final int MAX_NAME = 1024;

  /**
   * Most characters of names in one description: a memoised tensor referenced a million times under
   * long keys must not cost a name each.
   */
  static final long MAX_NAME_CHARS = 16L << 20;

  /**
   * Tensors reachable through str-keyed dicts, at most {@code maxDepth} levels deep, in pickle
   * order.
   */
  public static List<Named> find(Value root, int maxDepth, int maxCount) {
    List<Named> out = new ArrayList<>();
    long[] budget = {MAX_NAME_CHARS};
    walk(root, "", 0, maxDepth, maxCount, out, new IdentityHashMap<>(), budget);
    return out;
  }

  private static void walk(
      Value v,
      String prefix,
      int depth,
      int maxDepth,
      int maxCount,
      List<Named> out,
      IdentityHashMap<Value, Boolean> seen,
      long[] budget) {
    if (out.size() >= maxCount || depth > maxDepth || budget[0] <= 0) {
      return;
    }
    if (v instanceof TensorV t) {
      String name = prefix.isEmpty() ? "<root>" : prefix;
      budget[0] -= name.length();
      out.add(new Named(name, t));
      return;
    }
    if (!(v instanceof DictV d) || seen.put(v, Boolean.TRUE) != null) {
      return;
    }
    for (int i = 0; i + 1 < d.items.size(); i += 2) {
      if (d.items.get(i) instanceof StrV k) {
        // cut the key before joining: one long key may be referenced (memo) under a million entries
        String sep = prefix.isEmpty() ? "" : "/";
        int room = Math.max(0, MAX_NAME - prefix.length() - sep.length());
        String key = k.value().length() > room ? k.value().substring(0, room) : k.value();
        String name = prefix + sep + key;
        walk(d.items.get(i + 1), name, depth + 1, maxDepth, maxCount, out, seen, budget);
      }
    }
  }
}
