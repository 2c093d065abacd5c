package dev.safeload.internal;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import java.nio.ByteBuffer;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Stage 1 for a source that lists its own files (a caller's streams, a jar's entries): the same
 * decisions {@link ModelWalk} makes for a directory, over names instead of paths. Reads no model
 * file's content.
 *
 * <p>In check order, for each listed name: the name rules of {@link ModelNames#servable(String)}
 * ({@code FILE_NAME_INVALID}: control characters, backslashes, invisible format characters, a part
 * that ends in a dot or a space, empty, {@code .} or {@code ..} segments); a name listed twice is
 * {@code DUPLICATE_NAME} and neither copy is served; ignore patterns; two names that fold to one
 * are {@code FILE_NAME_COLLISION}, both; a verifier's side file is read for the verifier ({@link
 * SideFiles}); more than {@code MAX_FILES} listed entries (ignored ones included) is {@code
 * TOO_MANY_FILES}. Then, over the whole listing, a name that is also the folder of another name is
 * {@code FILE_NAME_COLLISION} (written out, one would replace the other). No files is {@code
 * EMPTY_MODEL}.
 */
final class SourceListing {
  /** One listed file: its name in the model, its declared size and how to open it. */
  record Listed(String name, long size, dev.safeload.ModelSource.StreamOpener opener) {}

  private final LoadPolicy policy;
  private final Set<String> sideFileNames;
  private final List<FileGlob> ignore;

  SourceListing(LoadPolicy policy, Set<String> sideFileNames, List<FileGlob> ignore) {
    this.policy = policy;
    this.sideFileNames = sideFileNames;
    this.ignore = ignore;
  }

  /**
   * The files of a source at {@code location}.
   *
   * @param findings findings the source already made (an ambiguous class-path folder)
   */
  ModelWalk.Result list(String location, List<Listed> listed, List<Finding> findings) {
    List<Finding> out = new ArrayList<>(findings);
    Map<String, ByteBuffer> sideBytes = new TreeMap<>();
    SideFiles side = new SideFiles(false, sideBytes, out);
    TreeMap<String, SourceFile> found = new TreeMap<>();
    // Sorted, and a duplicate is taken out in log time.
    TreeSet<String> ignored = new TreeSet<>();
    ModelNames names = new ModelNames(rootOf(location), out);
    Set<String> seen = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    long maxFiles = policy.get(LoadPolicy.MAX_FILES);
    long entries = 0;
    for (Listed f : listed) {
      // Every listed entry counts, as in a walked directory (ModelWalk): ignored, refused and
      // duplicated names are remembered too.
      if (++entries > maxFiles) {
        out.add(
            new Finding(
                Reason.TOO_MANY_FILES,
                null,
                Finding.NO_OFFSET,
                "more than " + maxFiles + " listed files"));
        break;
      }
      String name = names.servable(f.name());
      if (name == null) {
        continue;
      }
      if (!seen.add(name)) {
        if (duplicated.add(name)) {
          out.add(
              new Finding(
                  Reason.DUPLICATE_NAME,
                  name,
                  Finding.NO_OFFSET,
                  "the source lists this name more than once: which copy a reader gets is not"
                      + " ours to guess"));
          found.remove(name);
          side.forget(name);
          ignored.remove(name);
        }
        continue;
      }
      if (ModelWalk.isIgnored(ignore, name) && !sideFileNames.contains(name)) {
        ignored.add(name);
        continue;
      }
      String earlier = names.collidesWith(name);
      if (earlier != null) {
        out.add(
            collision(
                name, "the same name as '" + earlier + "' once case and Unicode form are folded"));
        if (found.remove(earlier) != null || side.forget(earlier)) {
          out.add(
              collision(
                  earlier,
                  "the same name as '" + name + "' once case and Unicode form are folded"));
        }
        continue;
      }
      if (sideFileNames.contains(name)) {
        side.read(name, f.size(), f.opener());
        continue;
      }
      found.put(name, SourceFile.stream(name, f.size(), f.opener()));
    }
    folderCollisions(found, sideBytes.keySet(), out);
    if (found.isEmpty() && out.isEmpty()) {
      out.add(new Finding(Reason.EMPTY_MODEL, null, Finding.NO_OFFSET, "no files to load"));
    }
    return new ModelWalk.Result(
        rootOf(location),
        true,
        List.copyOf(found.values()),
        Map.copyOf(sideBytes),
        List.copyOf(ignored),
        List.copyOf(out),
        location,
        false);
  }

  /**
   * Refuses a name that is also a folder of another ({@code a} and {@code a/b}): a directory holds
   * one or the other. Linear in the total length of the names.
   */
  private static void folderCollisions(
      TreeMap<String, SourceFile> found, Set<String> sideNames, List<Finding> out) {
    Map<String, String> byFolded = new TreeMap<>();
    for (String n : found.keySet()) {
      byFolded.put(ModelNames.folded(n), n);
    }
    for (String n : sideNames) {
      byFolded.put(ModelNames.folded(n), n);
    }
    Set<String> refused = new HashSet<>();
    for (String n : List.copyOf(byFolded.values())) {
      String folded = ModelNames.folded(n);
      for (int i = folded.indexOf('/'); i > 0; i = folded.indexOf('/', i + 1)) {
        String file = byFolded.get(folded.substring(0, i));
        if (file != null && refused.add(file)) {
          out.add(collision(file, "also the folder of '" + n + "'"));
          found.remove(file);
        }
      }
    }
  }

  private static Finding collision(String name, String message) {
    return new Finding(Reason.FILE_NAME_COLLISION, name, Finding.NO_OFFSET, message);
  }

  /**
   * A relative path naming the model, for reports that want a path: the last segment of its
   * location ({@code bert} for {@code s3://models/bert/}). Never opened.
   */
  static Path rootOf(String location) {
    String s = location;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    String last = s.substring(s.lastIndexOf('/') + 1);
    if (last.isEmpty()) {
      return Path.of("model");
    }
    try {
      Path p = Path.of(last);
      return p.getFileName() == null ? Path.of("model") : p;
    } catch (InvalidPathException e) {
      return Path.of("model");
    }
  }
}
