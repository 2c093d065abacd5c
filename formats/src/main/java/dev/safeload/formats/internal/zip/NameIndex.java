package dev.safeload.formats.internal.zip;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.FormatException;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The archive's entry names, for the collision rules: no two names equal (ZIP_DUPLICATE_NAME), and
 * no two equal after NFC normalisation, case folding and dropping each segment's trailing dots and
 * spaces (ZIP_NAME_CASE_COLLISION: miniz looks names up case-insensitively, macOS and Windows file
 * systems fold case or normalisation, Windows drops trailing dots and spaces).
 *
 * <p>Linear work. Normalisation reorders each run of combining marks (canonical ordering, an
 * insertion sort), so its cost grows with the square of the longest run: a 65,535-byte name of
 * alternating marks took seconds. Names are therefore bounded twice before they are normalised: by
 * length ({@code Zip.MAX_NAME_BYTES}, checked on the raw length field) and by {@link
 * #streamSafeProblem}, which refuses more than {@value #MAX_COMBINING_RUN} consecutive combining
 * marks (the "stream-safe" limit of Unicode UAX #15 §13, which no real name reaches). Every
 * character with a non-zero canonical combining class is a mark (general category Mn, Mc or Me), so
 * the runs the normaliser sorts are no longer than the runs counted here (times the at most 3 marks
 * a decomposition appends). ASCII names, the usual case, are not normalised at all.
 */
final class NameIndex {
  /** Most consecutive combining marks in a name (UAX #15 stream-safe text format). */
  static final int MAX_COMBINING_RUN = 30;

  private final Map<String, ZipEntry> exact;
  private final Map<String, String> folded;
  private long work;

  /**
   * For about {@code expected} names. Sized up front: growing a table rehashes every name in it,
   * and an archive of many small records spends more on that than on the lookups.
   */
  NameIndex(int expected) {
    int capacity = (int) Math.min(1 << 30, expected * 4L / 3 + 1);
    exact = new HashMap<>(capacity);
    folded = new HashMap<>(capacity);
  }

  /**
   * Why {@code name} is not stream-safe, or null. Linear; must run before the name is normalised.
   */
  static @Nullable String streamSafeProblem(String name) {
    int run = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      run = isMark(cp) ? run + 1 : 0;
      if (run > MAX_COMBINING_RUN) {
        return "has more than " + MAX_COMBINING_RUN + " combining marks in a row";
      }
    }
    return null;
  }

  private static boolean isMark(int cp) {
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK
        || t == Character.COMBINING_SPACING_MARK
        || t == Character.ENCLOSING_MARK;
  }

  /**
   * Adds a name that passed {@link #streamSafeProblem}; rejects it if it collides with an earlier
   * one.
   */
  void add(ZipEntry e) {
    String name = e.name();
    long at = e.localHeaderOffset();
    if (exact.put(name, e) != null) {
      throw new FormatException(
          FormatReason.ZIP_DUPLICATE_NAME, at, "two entries are named " + name);
    }
    String fold = fold(name);
    String other = folded.put(fold, name);
    if (other != null) {
      throw new FormatException(
          FormatReason.ZIP_NAME_CASE_COLLISION,
          at,
          "entry names "
              + other
              + " and "
              + name
              + " differ only in case, normalisation or trailing dots and spaces");
    }
  }

  private String fold(String name) {
    boolean ascii = true;
    int run = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      ascii &= cp < 0x80;
      // What canonical ordering may cost for this character: one step, plus one per mark it may
      // pass.
      run = isMark(cp) ? run + 1 : 0;
      work += 1 + run;
    }
    if (ascii) {
      return dropSegmentEnds(name.toLowerCase(Locale.ROOT));
    }
    // Upper-casing first folds letters whose lower case is another letter's (long s and s, Kelvin
    // sign and k), as case-folding file systems do.
    return dropSegmentEnds(
        Normalizer.normalize(name, Normalizer.Form.NFC)
            .toUpperCase(Locale.ROOT)
            .toLowerCase(Locale.ROOT));
  }

  /**
   * {@code name} without the dots and spaces that end each of its segments: Windows drops them when
   * it creates a file, so extracted there "data.pkl." and "data.pkl " are "data.pkl". One pass; the
   * name itself when no segment ends so (the usual case).
   */
  static String dropSegmentEnds(String name) {
    StringBuilder out = null;
    int segment = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i < name.length() && name.charAt(i) != '/') {
        continue;
      }
      int end = i;
      while (end > segment && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
        end--;
      }
      if (out == null && end != i) {
        out = new StringBuilder(name.length()).append(name, 0, segment);
      }
      if (out != null) {
        out.append(name, segment, end);
        if (i < name.length()) {
          out.append('/');
        }
      }
      segment = i + 1;
    }
    return out == null ? name : out.toString();
  }

  /** The entries by exact name: the archive's lookup table, so names are hashed into one map. */
  Map<String, ZipEntry> byName() {
    return exact;
  }

  /**
   * Work units spent folding names: one per character plus, per combining mark, the marks before it
   * in its run (the most canonical reordering can do). Linear in the names' length by construction
   * of the rules above; tests check it against the file size.
   */
  long work() {
    return work;
  }
}
