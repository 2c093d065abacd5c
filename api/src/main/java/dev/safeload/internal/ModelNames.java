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
 * <p>In check order: a name with a control character, a backslash or an invisible format character
 * (zero-width joiners and spaces, byte-order marks, bidirectional overrides: HFS+ ignores some when
 * it compares names, and a right-to-left override shows a name ending in {@code .py} as one ending
 * in {@code .txt}), one the platform could not decode (undecodable bytes come back as U+FFFD), one
 * with a part that ends in a dot or a space (Windows drops those, so {@code modeling.py.} is {@code
 * modeling.py} there: another name, and code), or one longer than {@value #MAX_NAME_CHARS}
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
      if (!servablePart(sb + s, s)) {
        return null;
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
    for (String seg : name.split("/", -1)) {
      if (!servablePart(name, seg)) {
        return null;
      }
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
   * The rule for one part of a name, whichever source lists it (a directory, a jar, a caller's
   * streams: all are written out by {@code materialize()} on whatever file system the application
   * runs on): false (with a finding about {@code name}) for a control character, a backslash, an
   * invisible format character, U+FFFD, or a trailing dot or space.
   */
  private boolean servablePart(String name, String part) {
    for (int i = 0; i < part.length(); ) {
      // By code point: the invisible tag characters (U+E0001, U+E0020-U+E007F) are format
      // characters outside the BMP, two chars each.
      int c = part.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x20 || c == 0x7f || c == '\\' || Character.getType(c) == Character.FORMAT) {
        findings.add(
            new Finding(
                Reason.FILE_NAME_INVALID,
                null,
                Finding.NO_OFFSET,
                "file name with a control character, an invisible format character or a"
                    + " backslash in "
                    + root));
        return false;
      }
      if (c == '\uFFFD' || Character.getType(c) == Character.SURROGATE) {
        // The platform could not decode the name's bytes; two such names may become one string.
        // A lone surrogate (a listed name) is encoded as '?' when written out: the same fault.
        findings.add(
            new Finding(
                Reason.FILE_NAME_INVALID,
                name,
                Finding.NO_OFFSET,
                "file name with bytes that are not valid in the platform's encoding"));
        return false;
      }
    }
    if (part.endsWith(".") && !part.equals(".") && !part.equals("..") || part.endsWith(" ")) {
      findings.add(
          new Finding(
              Reason.FILE_NAME_INVALID,
              name,
              Finding.NO_OFFSET,
              "file name part '"
                  + part
                  + "' ends in a dot or a space, which Windows drops: another name there"));
      return false;
    }
    return true;
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
   * Upper-casing first folds letters whose lower case is another letter's (long s and s, Kelvin
   * sign and k) as case-folding file systems do.
   */
  static String folded(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFC)
        .toUpperCase(Locale.ROOT)
        .toLowerCase(Locale.ROOT);
  }
}
