package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.ValidationContext;
import dev.safeload.toy.ToyHandler;
import dev.safeload.toy.ToyReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FormatHandler#validateReferenced}: a file no handler detects is served only because a
 * valid file references it and the referencing handler accepts it (ONNX external data is the real
 * use).
 */
class ReferencedFilesTest {
  @TempDir Path dir;

  /** Files "REF1" + newline-separated names of data files; data files must not contain "BAD". */
  static class RefHandler implements FormatHandler {
    private final boolean claims;

    RefHandler(boolean claims) {
      this.claims = claims;
    }

    @Override
    public String id() {
      return "refs";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("refs");
    }

    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      return head.remaining() >= 4
              && head.get(0) == 'R'
              && head.get(1) == 'E'
              && head.get(2) == 'F'
              && head.get(3) == '1'
          ? Confidence.MAGIC
          : Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      String body =
          StandardCharsets.UTF_8.decode(bytes.slice(4, (int) bytes.size() - 4)).toString();
      List<String> refs = body.isBlank() ? List.of() : List.of(body.strip().split("\n"));
      return new ModelDescription("refs", List.of(), Map.of(), refs);
    }

    @Override
    public @Nullable ModelDescription validateReferenced(
        ModelView.ValidatedFile referrer,
        String name,
        ModelBytes bytes,
        ValidationContext context) {
      if (!claims) {
        return null;
      }
      String s = StandardCharsets.UTF_8.decode(bytes.slice(0, (int) bytes.size())).toString();
      if (s.contains("BAD")) {
        context.report(ToyReason.TOY_BODY_INVALID, 0, "bad data");
      }
      return new ModelDescription("refs-data", List.of(), Map.of("by", referrer.name()), List.of());
    }
  }

  private static SafeModelLoader loader(boolean claims) {
    LoadPolicy p =
        LoadPolicy.strict().toBuilder()
            .allowFormat("refs")
            .allowFormat("toy")
            .allowUnpinnedFiles()
            .build();
    return SafeModelLoader.builder()
        .policy(p)
        .discoverHandlers(false)
        .handler(new RefHandler(claims))
        .handler(new ToyHandler())
        .build();
  }

  private static List<ReasonCode> reasons(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }

  @Test
  void referencedDataIsServedWithTheClaimedFormat() throws Exception {
    write(dir, "m.refs", "REF1data/w.dat\n".getBytes(StandardCharsets.UTF_8));
    write(dir, "data/w.dat", new byte[] {1, 2, 3});
    try (VerifiedModel vm = loader(true).load(dir)) {
      assertEquals("refs-data", vm.file("data/w.dat").format());
      assertEquals("m.refs", vm.file("data/w.dat").description().metadata().get("by"));
      assertEquals(3, vm.file("data/w.dat").size());
    }
  }

  @Test
  void unreferencedOrUnclaimedDataIsUnknown() throws Exception {
    write(dir, "m.refs", "REF1w.dat\n".getBytes(StandardCharsets.UTF_8));
    write(dir, "w.dat", new byte[] {1});
    write(dir, "other.dat", new byte[] {2});
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), reasons(loader(true).scan(dir)));
    assertEquals(
        List.of(Reason.UNKNOWN_FORMAT, Reason.UNKNOWN_FORMAT), reasons(loader(false).scan(dir)));
  }

  @Test
  void theClaimingHandlersFindingsRejectTheFile() throws Exception {
    write(dir, "m.refs", "REF1w.dat\n".getBytes(StandardCharsets.UTF_8));
    write(dir, "w.dat", "BAD".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(ToyReason.TOY_BODY_INVALID), reasons(loader(true).scan(dir)));
  }

  @Test
  void dataNamedLikeAFormatIsAMismatch() throws Exception {
    write(dir, "m.refs", "REF1w.toy\n".getBytes(StandardCharsets.UTF_8));
    write(dir, "w.toy", new byte[] {1});
    // The name says toy: the file must validate as toy, and being referenced as data does not
    // change it.
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), reasons(loader(true).scan(dir)));
    write(dir, "w.toy", "TOY1NO".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(ToyReason.TOY_BODY_INVALID), reasons(loader(true).scan(dir)));
  }

  /**
   * A file read through a live mapping (every scan, {@code MAPPED_TRUSTED}, from 1 MiB) and claimed
   * as data after its own verdict is judged a second time, through the mapping: if the file was
   * rewritten in between, that verdict is about bytes other than those hashed. A file judged
   * through its mapping with no descriptor kept (under 16 MiB) was let through with the digest of
   * the bytes first read; only files kept open (16 MiB and more) were checked again.
   */
  @Test
  void mappedDataRewrittenBeforeItIsClaimedIsChanged() throws Exception {
    int size = 1 << 20; // FileReading.SMALL_COPY_BYTES: from here a scan reads through a mapping
    // "BAD" was hashed (and would be refused); "OK!" was judged: the file is not the one hashed.
    assertEquals(List.of(Reason.SOURCE_CHANGED), reasons(scanRewritingData(padded("BAD", size))));
  }

  /**
   * A file under 1 MiB is read into memory in a scan too, and judged there: the rewrite racing the
   * scan changes nothing of what is judged, and the verdict is on the bytes hashed.
   */
  @Test
  void smallDataIsJudgedAsItWasHashed() throws Exception {
    assertEquals(List.of(ToyReason.TOY_BODY_INVALID), reasons(scanRewritingData(padded("BAD", 3))));
  }

  private static byte[] padded(String head, int size) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) ' ');
    System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, b, 0, head.length());
    return b;
  }

  /**
   * Scans {@code m.refs} referencing {@code w.dat} (holding {@code first}), which is rewritten in
   * place, same size, "OK!" instead of its first three bytes, after its own check and before it is
   * claimed.
   */
  private ScanReport scanRewritingData(byte[] first) throws Exception {
    write(dir, "m.refs", "REF1w.dat\n".getBytes(StandardCharsets.UTF_8));
    Path data = write(dir, "w.dat", first);
    byte[] second = first.clone();
    System.arraycopy("OK!".getBytes(StandardCharsets.UTF_8), 0, second, 0, 3);
    RefHandler rewriting =
        new RefHandler(true) {
          @Override
          public @Nullable ModelDescription validateReferenced(
              ModelView.ValidatedFile referrer,
              String name,
              ModelBytes bytes,
              ValidationContext context) {
            try {
              // A writer racing the scan: same size, new bytes, after the file's own check.
              java.nio.file.Files.write(data, second);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return super.validateReferenced(referrer, name, bytes, context);
          }
        };
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .policy(
                LoadPolicy.strict().toBuilder()
                    .allowFormat("refs")
                    .allowFormat("toy")
                    .allowUnpinnedFiles()
                    .build())
            .discoverHandlers(false)
            .handler(rewriting)
            .handler(new ToyHandler())
            .build();
    return loader.scan(dir);
  }

  @Test
  void referencesCannotClimbOutOfTheirDirectoryToClaimFiles() throws Exception {
    write(dir, "sub/m.refs", "REF1../../w.dat\n".getBytes(StandardCharsets.UTF_8));
    write(dir, "w.dat", new byte[] {1});
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), reasons(loader(true).scan(dir)));
  }
}
