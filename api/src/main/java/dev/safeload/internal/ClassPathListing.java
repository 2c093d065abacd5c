package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Stage 1 for a class-path source: finds the one class-path entry holding resources that start with
 * the prefix, and lists them.
 *
 * <p>A class loader lists no resources, so the entries are found in two steps: the jars and
 * directories that hold the prefix's folder ({@code getResources(folder)}); and, when the prefix is
 * at the root or no such entry holds a match (a jar written without folder entries), every jar that
 * has a manifest and every class-path directory. Each candidate is then asked whether it holds a
 * resource starting with the prefix: a jar through its central directory ({@link JarDirectory}; a
 * jar that cannot be listed unambiguously is {@code SOURCE_LISTING_INVALID}), a directory through
 * the folder's entries. Matches in more than one entry are {@code DUPLICATE_NAME} (which copy a
 * class loader returns depends on the class path's order).
 *
 * <p>In a directory the folder is walked like any local model directory ({@link ModelWalk}: links,
 * names, side files; it may even be mapped), keeping the files that start with the prefix. In a jar
 * the matching entries go through the same name rules as every listed source ({@link
 * SourceListing}), and each is read through the class loader's own {@code jar:} URL for that entry,
 * uncached, into a private copy of exactly the size the central directory declares.
 */
final class ClassPathListing {
  /** Largest jar central directory read: far above any real jar's, far below memory. */
  static final long MAX_DIRECTORY_BYTES = 64L << 20;

  private ClassPathListing() {}

  /** A class-path entry holding a match: a jar with its matching entries, or a directory. */
  private record Match(
      String where, @Nullable Path dir, String jarBase, List<JarDirectory.Entry> entries) {}

  static ModelWalk.Result list(ModelOrigin.ClassPath origin, ModelWalk walk, SourceListing listing)
      throws IOException {
    String location = origin.location();
    String prefix = origin.prefix();
    String folder = origin.folder();
    ClassLoader loader = origin.loader();
    Set<String> seen = new HashSet<>();
    List<Match> matches = new ArrayList<>();
    List<Finding> invalid = new ArrayList<>();
    if (!folder.isEmpty()) {
      for (URL u : Collections.list(loader.getResources(folder))) {
        probe(u, folder, prefix, seen, matches, invalid);
      }
    }
    if (matches.isEmpty() && invalid.isEmpty()) {
      for (URL u : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
        if (u.getProtocol().equals("jar")) {
          probe(u, "META-INF/MANIFEST.MF", prefix, seen, matches, invalid);
        }
      }
      for (URL u : Collections.list(loader.getResources(""))) {
        if (u.getProtocol().equals("file")) {
          probe(u, "", prefix, seen, matches, invalid);
        }
      }
    }
    if (!invalid.isEmpty()) {
      return listing.list(location, List.of(), invalid);
    }
    if (matches.isEmpty()) {
      throw new NoSuchFileException(location, null, "no class-path resource starts with " + prefix);
    }
    if (matches.size() > 1) {
      return listing.list(
          location,
          List.of(),
          List.of(
              new Finding(
                  Reason.DUPLICATE_NAME,
                  null,
                  Finding.NO_OFFSET,
                  "resources starting with "
                      + prefix
                      + " are in "
                      + matches.size()
                      + " class-path entries: "
                      + matches.stream().map(Match::where).toList())));
    }
    Match m = matches.get(0);
    Path dir = m.dir();
    if (dir != null) {
      String stem = prefix.substring(folder.length());
      return keepStartingWith(walk.walk(dir.resolve(folder)), stem).at(location);
    }
    List<SourceListing.Listed> listed = new ArrayList<>();
    for (JarDirectory.Entry e : m.entries()) {
      String entry = e.name();
      String url = m.jarBase() + encode(entry);
      listed.add(
          new SourceListing.Listed(entry.substring(folder.length()), e.size(), () -> open(url)));
    }
    return listing.list(location, listed, List.of());
  }

  /**
   * Whether the class-path entry behind {@code u} (found as resource {@code found}) holds a
   * resource starting with {@code prefix}; each entry is asked once.
   */
  private static void probe(
      URL u,
      String found,
      String prefix,
      Set<String> seen,
      List<Match> matches,
      List<Finding> invalid)
      throws IOException {
    String spec = u.toString();
    if (u.getProtocol().equals("file")) {
      Path p = toPath(u);
      // The folder itself, or the class-path directory for the root.
      Path root = p;
      for (int depth = found.isEmpty() ? 0 : found.split("/").length; depth > 0; depth--) {
        Path parent = root.getParent();
        if (parent == null) {
          return;
        }
        root = parent;
      }
      if (!seen.add(root.toString())) {
        return;
      }
      String folder = prefix.substring(0, prefix.lastIndexOf('/') + 1);
      String stem = prefix.substring(folder.length());
      Path dir = root.resolve(folder);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      boolean holds = stem.isEmpty();
      if (!holds) {
        try (Stream<Path> children = Files.list(dir)) {
          holds = children.anyMatch(c -> String.valueOf(c.getFileName()).startsWith(stem));
        }
      }
      if (holds) {
        matches.add(new Match(root.toString(), root, "", List.of()));
      }
      return;
    }
    if (!u.getProtocol().equals("jar")) {
      throw new IOException("class-path resources over " + u.getProtocol() + " are not read: " + u);
    }
    // jar:file:/x.jar!/found : one level of nesting, on a local file.
    int bang = spec.indexOf("!/");
    if (bang < 0 || spec.indexOf("!/", bang + 2) >= 0 || !spec.startsWith("jar:file:")) {
      throw new IOException("a nested or remote jar is not read: " + u);
    }
    String base = spec.substring(0, bang + 2);
    if (!seen.add(base)) {
      return;
    }
    Path jarPath = toPath(new URL(spec.substring("jar:".length(), bang)));
    List<JarDirectory.Entry> entries;
    try (FileChannel ch = FileChannel.open(jarPath, StandardOpenOption.READ)) {
      entries = JarDirectory.read(JarDirectory.Bytes.of(ch), MAX_DIRECTORY_BYTES);
    } catch (JarDirectory.InvalidJarException e) {
      invalid.add(
          new Finding(
              Reason.SOURCE_LISTING_INVALID,
              null,
              Finding.NO_OFFSET,
              jarPath + ": " + e.getMessage()));
      return;
    }
    List<JarDirectory.Entry> under = new ArrayList<>();
    for (JarDirectory.Entry e : entries) {
      if (!e.isFolder() && e.name().startsWith(prefix)) {
        under.add(e);
      }
    }
    if (!under.isEmpty()) {
      matches.add(new Match(jarPath.toString(), null, base, under));
    }
  }

  /** A walk of a class-path folder, narrowed to the names starting with the prefix's last part. */
  private static ModelWalk.Result keepStartingWith(ModelWalk.Result walk, String stem) {
    if (stem.isEmpty()) {
      return walk;
    }
    Map<String, java.nio.ByteBuffer> side = new TreeMap<>(walk.sideFiles());
    side.keySet().removeIf(n -> !n.startsWith(stem));
    List<Finding> findings =
        walk.findings().stream()
            .filter(f -> f.file() == null || f.file().startsWith(stem))
            .filter(f -> f.reason() != Reason.EMPTY_MODEL)
            .toList();
    List<SourceFile> files = walk.files().stream().filter(f -> f.name().startsWith(stem)).toList();
    if (files.isEmpty() && findings.isEmpty()) {
      findings =
          List.of(new Finding(Reason.EMPTY_MODEL, null, Finding.NO_OFFSET, "no files to load"));
    }
    return new ModelWalk.Result(
        walk.root(),
        walk.directory(),
        files,
        side,
        walk.ignored().stream().filter(n -> n.startsWith(stem)).toList(),
        findings,
        walk.location(),
        walk.local());
  }

  /** The entry's bytes through the JDK's jar URL handler, with no shared cached jar. */
  private static InputStream open(String url) throws IOException {
    URLConnection c;
    try {
      c = new URI(url).toURL().openConnection();
    } catch (URISyntaxException e) {
      throw new IOException("not a jar URL: " + url, e);
    }
    c.setUseCaches(false);
    return c.getInputStream();
  }

  private static Path toPath(URL url) throws IOException {
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("not a local file: " + url, e);
    }
  }

  /** Percent-encodes an entry name for a URL path: every byte but unreserved ones and {@code /}. */
  static String encode(String name) {
    StringBuilder sb = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || c == '/') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
