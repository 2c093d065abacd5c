package dev.safeload.internal;

import dev.safeload.ModelSource;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link ModelSource} is, as the engine reads it. Public only so that {@code ModelSource}
 * can hold one; not exported.
 */
public sealed interface ModelOrigin {
  /** What reports and BOMs show as where the model came from. */
  String location();

  /** A local file or directory. */
  record Local(Path path) implements ModelOrigin {
    @Override
    public String location() {
      return path.toAbsolutePath().normalize().toString();
    }
  }

  /**
   * Class-path resources whose names start with a prefix.
   *
   * @param prefix no leading {@code /}, never empty; each file is named by the part of its resource
   *     name after the prefix's last {@code /}
   */
  record ClassPath(ClassLoader loader, String prefix) implements ModelOrigin {
    public ClassPath {
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException(
            "an empty prefix is every jar on the class path: name a folder or a name prefix");
      }
    }

    @Override
    public String location() {
      return "classpath:" + prefix;
    }

    /** The folder of the prefix, ending in {@code /}, or "" at the class path's root. */
    public String folder() {
      return prefix.substring(0, prefix.lastIndexOf('/') + 1);
    }

    /** {@code prefix} without its leading {@code /}. */
    public static String normalise(String prefix) {
      String p = prefix;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      return p;
    }
  }

  /** Named streams the caller supplies. */
  record Streams(String location, List<Named> files) implements ModelOrigin {
    public Streams {
      files = List.copyOf(files);
    }
  }

  /** One caller-supplied file: its name in the model, its exact size and how to open it. */
  record Named(String name, long size, ModelSource.StreamOpener opener) {}
}
