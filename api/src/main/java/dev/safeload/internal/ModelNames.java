package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The names of one walk: each file's {@code /}-separated name under the model root, refused unless
 * it can be served as one unambiguous name, and the folded form that finds two names a
 * case-insensitive or normalising reader would take for one.
 *
 * <p>In check order: a name with a control character or backslash, one the platform could not
 * decode (undecodable bytes come back as U+FFFD), or one longer than {@value #MAX_NAME_CHARS}
 * characters is {@code FILE_NAME_INVALID}. Collisions are the walk's to report ({@code
 * FILE_NAME_COLLISION}), since both files must go.
 *
 * <p>A name a source lists ({@link #servable(String)}: a jar entry, a caller's stream) is a {@code
 * /}-separated string rather than a path under a root, so it is also refused when a segment is
 * empty, {@code .} or {@code ..}: such a name would leave the model's folder, or name one file two
 * ways, when it is written out.
 */
final class ModelNames {
  /** Longest name folded for the collision check; longer names are refused before any work. */
  static final int MAX_NAME_CHARS = 4096;

  private final Path root;
  private final List<Finding> findings;
  private final Map<String, String> folded = new HashMap<>();

  /**
   * @param findings where refused names are reported
   */
  ModelNames(Path root, List<Finding> findings) {
    this.root = root;
    this.findings = findings;
  }

  /** The name of {@code file} under the root, or null (with a finding) if it cannot be served. */
  @Nullable String servable(Path file) {
    StringBuilder sb = new StringBuilder();
    for (Path part : root.relativize(file)) {
      String s = part.toString();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\') {
          findings.add(
              new Finding(
                  Reason.FILE_NAME_INVALID,
                  null,
                  Finding.NO_OFFSET,
                  "file name with a control character or backslash under " + root));
          return null;
        }
        if (c == '\uFFFD') {
          // The platform could not decode the name's bytes; two such names may become one string.
          findings.add(
              new Finding(
                  Reason.FILE_NAME_INVALID,
                  sb + s,
                  Finding.NO_OFFSET,
                  "file name with bytes that are not valid in the platform's encoding"));
          return null;
        }
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(s);
    }
    if (sb.length() > MAX_NAME_CHARS) {
      findings.add(
          new Finding(
              Reason.FILE_NAME_INVALID,
              null,
              Finding.NO_OFFSET,
              "file name longer than " + MAX_NAME_CHARS + " characters under " + root));
      return null;
    }
    return sb.toString();
  }

  /**
   * A name a source lists, or null (with a finding) if it cannot be served: the same rules as
   * {@link #servable(Path)}, plus no empty, {@code .} or {@code ..} segment (no absolute name, no
   * traversal, no second spelling).
   */
  @Nullable String servable(String name) {
    if (name.length() > MAX_NAME_CHARS) {
      findings.add(
          new Finding(
              Reason.FILE_NAME_INVALID,
              null,
              Finding.NO_OFFSET,
              "file name longer than " + MAX_NAME_CHARS + " characters in " + root));
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '\uFFFD') {
        findings.add(
            new Finding(
                Reason.FILE_NAME_INVALID,
                null,
                Finding.NO_OFFSET,
                "file name with a control character, backslash or replacement character in "
                    + root));
        return null;
      }
    }
    for (String seg : name.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        findings.add(
            new Finding(
                Reason.FILE_NAME_INVALID,
                name,
                Finding.NO_OFFSET,
                "file name with an empty, '.' or '..' segment: it would not stay one name inside"
                    + " the model"));
        return null;
      }
    }
    return name;
  }

  /**
   * The earlier name that is one name with {@code name} once folded, or null, remembering {@code
   * name} if it is the first of its folded form.
   */
  @Nullable String collidesWith(String name) {
    return folded.putIfAbsent(folded(name), name);
  }

  /**
   * The name as a case-insensitive, normalising reader sees it. Bounded: names are length-checked.
   */
  static String folded(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }
}
