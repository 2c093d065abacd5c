package dev.safeload.verify.signing;

import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** A DigestedModel built the way the loader builds it (the vectors themselves: SharedVectors). */
final class Vectors {
  private Vectors() {}

  static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.hash(b);
  }

  /**
   * The digests of a directory's files as the loader would compute them, with {@code sideFiles}
   * handed over as side files and {@code skip} left out (as if absent).
   */
  static DigestedModel model(Path dir, Set<String> sideFiles, Set<String> skip) throws Exception {
    List<DigestedFile> files = new ArrayList<>();
    Map<String, ByteBuffer> side = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
        String name = dir.relativize(p).toString().replace('\\', '/');
        byte[] b = Files.readAllBytes(p);
        if (sideFiles.contains(name)) {
          side.put(name, ByteBuffer.wrap(b).asReadOnlyBuffer());
        } else if (!skip.contains(name)) {
          files.add(new DigestedFile(name, b.length, sha256(b)));
        }
      }
    }
    return model(true, files, side);
  }

  static DigestedModel model(
      boolean directory, List<DigestedFile> files, Map<String, ByteBuffer> side) {
    return new DigestedModel() {
      @Override
      public boolean isDirectory() {
        return directory;
      }

      @Override
      public List<DigestedFile> files() {
        return List.copyOf(files);
      }

      @Override
      public Optional<DigestedFile> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
      }

      @Override
      public Optional<ByteBuffer> sideFile(String name) {
        ByteBuffer b = side.get(name);
        return b == null ? Optional.empty() : Optional.of(b.duplicate());
      }
    };
  }

  static byte[] read(Path p) throws IOException {
    return Files.readAllBytes(p);
  }
}
