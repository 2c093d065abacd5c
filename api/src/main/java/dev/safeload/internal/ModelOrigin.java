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
   * Resources under a folder of the class path.
   *
   * @param prefix the folder, {@code /}-separated, ending in {@code /} unless empty
   */
  record ClassPath(ClassLoader loader, String prefix) implements ModelOrigin {
    @Override
    public String location() {
      return "classpath:" + prefix;
    }

    /** {@code prefix} as a folder name: no leading {@code /}, one trailing {@code /}. */
    public static String folder(String prefix) {
      String p = prefix;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      return p.isEmpty() ? "" : p + "/";
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
