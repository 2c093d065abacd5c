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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stage 1 for a class-path source: finds the folder the prefix names and lists what is under it.
 *
 * <p>The folder must be in exactly one class-path entry; in several it is {@code DUPLICATE_NAME}
 * (which copy of a file a class loader returns depends on the class path's order). In a directory
 * ({@code file:}) it is walked like any local model directory ({@link ModelWalk}: links, names,
 * side files), so it may even be mapped. In a jar ({@code jar:file:}) its entries come from the
 * central directory ({@link JarDirectory}; a jar that cannot be listed unambiguously is {@code
 * SOURCE_LISTING_INVALID}), go through the same name rules as every listed source ({@link
 * SourceListing}), and each is read through the class loader's own {@code jar:} URL for that entry,
 * uncached, into a private copy of exactly the size the central directory declares.
 */
final class ClassPathListing {
  /** Largest jar central directory read: far above any real jar's, far below memory. */
  static final long MAX_DIRECTORY_BYTES = 64L << 20;

  private ClassPathListing() {}

  static ModelWalk.Result list(ModelOrigin.ClassPath origin, ModelWalk walk, SourceListing listing)
      throws IOException {
    String location = origin.location();
    String prefix = origin.prefix();
    List<URL> roots = Collections.list(origin.loader().getResources(prefix));
    if (roots.isEmpty()) {
      throw new NoSuchFileException(location, null, "no class-path folder " + prefix);
    }
    if (roots.size() > 1) {
      return listing.list(
          location,
          List.of(),
          List.of(
              new Finding(
                  Reason.DUPLICATE_NAME,
                  null,
                  Finding.NO_OFFSET,
                  "the class-path folder "
                      + prefix
                      + " is in "
                      + roots.size()
                      + " entries: "
                      + roots)));
    }
    URL root = roots.get(0);
    switch (root.getProtocol()) {
      case "file":
        return walk.walk(toPath(root)).at(location);
      case "jar":
        return jar(root, location, prefix, listing);
      default:
        throw new IOException(
            "class-path resources over " + root.getProtocol() + " are not read: " + root);
    }
  }

  private static ModelWalk.Result jar(
      URL root, String location, String prefix, SourceListing listing) throws IOException {
    // jar:file:/x.jar!/prefix/ : one level of nesting, on a local file.
    String spec = root.toString();
    int bang = spec.indexOf("!/");
    if (bang < 0 || spec.indexOf("!/", bang + 2) >= 0 || !spec.startsWith("jar:file:")) {
      throw new IOException("a nested or remote jar is not read: " + root);
    }
    Path jarPath = toPath(new URL(spec.substring("jar:".length(), bang)));
    String base = spec.substring(0, bang + 2);
    List<JarDirectory.Entry> entries;
    try (FileChannel ch = FileChannel.open(jarPath, StandardOpenOption.READ)) {
      entries = JarDirectory.read(JarDirectory.Bytes.of(ch), MAX_DIRECTORY_BYTES);
    } catch (JarDirectory.InvalidJarException e) {
      return listing.list(
          location,
          List.of(),
          List.of(
              new Finding(
                  Reason.SOURCE_LISTING_INVALID,
                  null,
                  Finding.NO_OFFSET,
                  jarPath.getFileName() + ": " + e.getMessage())));
    }
    List<SourceListing.Listed> listed = new ArrayList<>();
    for (JarDirectory.Entry e : entries) {
      if (!e.isFolder() && e.name().startsWith(prefix)) {
        String entry = e.name();
        listed.add(
            new SourceListing.Listed(
                entry.substring(prefix.length()), e.size(), () -> open(base + encode(entry))));
      }
    }
    return listing.list(location, listed, List.of());
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
