package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import dev.safeload.toy.ToyHandler;
import dev.safeload.toy.ToyReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content detection and the handler SPI, used the way a library author would use them. */
class DetectionAndSpiTest {
  @TempDir Path dir;

  private static List<String> codes(ScanReport r) {
    return r.findings().stream().map(f -> f.reason().code()).toList();
  }

  @Test
  void registeredHandlerAcceptsItsFormatOnceThePolicyAllowsIt() throws Exception {
    Path f = write(dir, "weights.toy", ToyHandler.valid());
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(f);
    assertTrue(r.accepted(), r.findings().toString());
    FileReport file = r.files().get(0);
    assertEquals("toy", file.format());
    assertEquals(
        HexFormat.of().formatHex(Fixtures.sha256(ToyHandler.valid())), file.sha256().hex());
  }

  @Test
  void handlerNotOnTheAllowlistIsRefused() throws Exception {
    Path f = write(dir, "weights.toy", ToyHandler.valid());
    ScanReport r = loader(LoadPolicy.strict()).scan(f);
    assertEquals(List.of("FORMAT_NOT_ALLOWED"), codes(r));
  }

  @Test
  void handlerOwnReasonCodeReachesTheReport() throws Exception {
    Path f = write(dir, "weights.toy", "TOY1NO".getBytes(StandardCharsets.US_ASCII));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(f);
    Finding finding = r.findings().get(0);
    assertEquals(ToyReason.TOY_BODY_INVALID, finding.reason());
    assertEquals(4, finding.offset());
    assertEquals("weights.toy", finding.file());
  }

  @Test
  void serviceLoaderFindsHandlersButOnlyAllowlistedOnesCount() throws Exception {
    Path f = write(dir, "weights.toy", "TOY2OK".getBytes(StandardCharsets.US_ASCII));
    SafeModelLoader discovered = SafeModelLoader.builder().build();
    assertEquals(List.of("FORMAT_NOT_ALLOWED"), codes(discovered.scan(f)));
    SafeModelLoader allowed =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy-discovered").build())
            .build();
    ScanReport r = allowed.scan(f);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals("toy-discovered", r.files().get(0).format());
    SafeModelLoader noDiscovery =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy-discovered").build())
            .build();
    assertEquals(List.of("UNKNOWN_FORMAT"), codes(noDiscovery.scan(f)));
  }

  @Test
  void unknownContentIsRejected() throws Exception {
    Path f = write(dir, "weights.toy", "hello world".getBytes(StandardCharsets.US_ASCII));
    assertEquals(List.of("UNKNOWN_FORMAT"), codes(loader(unpinnedToyPolicy().build()).scan(f)));
  }

  @Test
  void contentDecidesAndADisagreeingExtensionIsAFinding() throws Exception {
    Path f = write(dir, "weights.safetensors", ToyHandler.valid());
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(f);
    assertEquals("toy", r.files().get(0).format());
    assertEquals(List.of("EXTENSION_MISMATCH"), codes(r));
  }

  @Test
  void twoHandlersClaimingTheSameBytesEquallyIsAnAmbiguity() throws Exception {
    FormatHandler twin =
        new ToyHandler() {
          @Override
          public String id() {
            return "twin";
          }
        };
    Path f = write(dir, "weights.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .policy(unpinnedToyPolicy().allowFormat("twin").build())
            .handler(new ToyHandler())
            .handler(twin)
            .build();
    assertEquals(List.of("AMBIGUOUS_FORMAT"), codes(l.scan(f)));
  }

  @Test
  void aHandlerThatCrashesRejectsTheFileInsteadOfTrustingIt() throws Exception {
    FormatHandler crashing =
        new FormatHandler() {
          @Override
          public String id() {
            return "toy";
          }

          @Override
          public Set<String> extensions() {
            return Set.of("toy");
          }

          @Override
          public Confidence detect(ByteBuffer head, long fileSize) {
            return Confidence.MAGIC;
          }

          @Override
          public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
            throw new ArrayIndexOutOfBoundsException("bug");
          }
        };
    Path f = write(dir, "weights.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .policy(unpinnedToyPolicy().build())
            .handler(crashing)
            .build();
    assertEquals(List.of("HANDLER_ERROR"), codes(l.scan(f)));
  }

  @Test
  void directoryScanCoversEveryFileAndFlagsTheBadOne() throws Exception {
    write(dir, "a.toy", ToyHandler.valid());
    write(dir, "sub/b.toy", ToyHandler.valid());
    write(dir, "sub/readme.txt", "not a model".getBytes(StandardCharsets.US_ASCII));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(dir);
    assertEquals(
        List.of("a.toy", "sub/b.toy", "sub/readme.txt"),
        r.files().stream().map(FileReport::name).toList());
    assertFalse(r.accepted());
    assertEquals(List.of("UNKNOWN_FORMAT"), codes(r));
    assertEquals("sub/readme.txt", r.findings().get(0).file());
  }

  @Test
  void anEmptyDirectoryIsNotAModel() throws Exception {
    assertEquals(List.of("EMPTY_MODEL"), codes(loader(unpinnedToyPolicy().build()).scan(dir)));
  }

  @Test
  void reasonCodesAreTheirNamesAndDescribed() {
    for (Reason r : Reason.values()) {
      assertEquals(r.name(), r.code());
      assertFalse(r.description().isBlank(), r.name());
    }
  }
}
