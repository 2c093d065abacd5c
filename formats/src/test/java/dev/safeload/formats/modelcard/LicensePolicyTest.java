package dev.safeload.formats.modelcard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.DeclaredLicense;
import dev.safeload.FileReport;
import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The licence policy over real producer files (license/generate.py): each format's declaration is
 * read with where it came from, the default only reports, and a policy refuses with exact codes.
 */
class LicensePolicyTest {
  @TempDir Path dir;

  private static final LoadPolicy ANY =
      LoadPolicy.strict().toBuilder().opaqueFiles("README.md").build();

  private static LoadPolicy allow(String... spdx) {
    return ANY.toBuilder().allowLicenses(spdx).build();
  }

  private static List<DeclaredLicense> licenses(ScanReport r) {
    return r.files().stream().flatMap(f -> f.licenses().stream()).toList();
  }

  @Test
  void eachFormatDeclaresWithItsField() {
    assertEquals(
        List.of(new DeclaredLicense("MIT", "mit.gguf", "general.license")),
        licenses(Scans.scan(Scans.resource("license/mit.gguf"))));
    assertEquals(
        List.of(new DeclaredLicense("Apache-2.0", "apache.safetensors", "__metadata__.license")),
        licenses(Scans.scan(Scans.resource("license/apache.safetensors"))));
    assertEquals(
        List.of(new DeclaredLicense("CC-BY-4.0", "cc.onnx", "metadata_props.license")),
        licenses(Scans.scan(Scans.resource("license/cc.onnx"))));
  }

  @Test
  void defaultPolicyOnlyReports() {
    ScanReport r = Scans.scan(Scans.resource("license/llama.safetensors"));
    assertTrue(r.accepted(), Scans.describe(r));
    assertEquals("llama3.2", licenses(r).get(0).expression());
    ScanReport none = Scans.scan(Scans.resource("safetensors/tiny.safetensors"));
    assertTrue(none.accepted(), Scans.describe(none));
  }

  @Test
  void allowedLicenceLoadsAndOthersAreRefused() {
    assertTrue(Scans.scan(Scans.resource("license/mit.gguf"), allow("MIT")).accepted());
    // SPDX ids compare without regard to case; an OR needs one allowed side.
    assertTrue(Scans.scan(Scans.resource("license/mit.gguf"), allow("mit")).accepted());
    assertEquals(
        Set.of("LICENSE_NOT_ALLOWED"),
        Scans.reasons(Scans.scan(Scans.resource("license/mit.gguf"), allow("Apache-2.0"))));
    assertEquals(
        Set.of("LICENSE_NOT_ALLOWED"),
        Scans.reasons(
            Scans.scan(Scans.resource("license/llama.safetensors"), allow("Apache-2.0"))));
    assertTrue(
        Scans.scan(Scans.resource("license/llama.safetensors"), allow("llama3.2")).accepted());
  }

  @Test
  void loadRefusesWithTheSameCodesAndServesWhatIsAllowed() throws Exception {
    Path model = model("---\nlicense: mit\n---\n");
    LoadPolicy unpinned = allow("Apache-2.0").toBuilder().allowUnpinnedFiles().build();
    dev.safeload.ModelRejectedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.safeload.ModelRejectedException.class,
            () -> dev.safeload.SafeModelLoader.builder().policy(unpinned).build().load(model));
    assertEquals(
        List.of("LICENSE_NOT_ALLOWED"), e.findings().stream().map(f -> f.reason().code()).toList());
    LoadPolicy both = unpinned.toBuilder().allowLicenses("MIT").build();
    try (dev.safeload.VerifiedModel m =
        dev.safeload.SafeModelLoader.builder().policy(both).build().load(model)) {
      assertEquals(
          List.of(new DeclaredLicense("mit", "README.md", "front matter license")),
          m.file("README.md").description().licenses());
      assertEquals(
          "Apache-2.0", m.file("model.safetensors").description().licenses().get(0).expression());
    }
  }

  @Test
  void noDeclarationIsUnknownForTheModel() {
    ScanReport r = Scans.scan(Scans.resource("safetensors/tiny.safetensors"), allow("MIT"));
    assertEquals(Set.of("LICENSE_UNKNOWN"), Scans.reasons(r));
    assertEquals(1, r.modelFindings().size());
    assertEquals(null, r.modelFindings().get(0).file());
  }

  @Test
  void modelCardFrontMatterIsReadWithoutChangingItsRole() throws IOException {
    Path model =
        model("---\nlanguage: en\nlicense: apache-2.0 # from the Hub\ntags:\n- x\n---\n# Card\n");
    ScanReport r = Scans.scan(model, ANY);
    assertTrue(r.accepted(), Scans.describe(r));
    FileReport card = file(r, "README.md");
    assertEquals("opaque", card.format());
    assertEquals(
        List.of(new DeclaredLicense("apache-2.0", "README.md", "front matter license")),
        card.licenses());
    assertTrue(Scans.scan(model, allow("Apache-2.0")).accepted());
  }

  @Test
  void twoFilesDeclaringDifferentLicencesMustBothBeAllowed() throws IOException {
    Path model = model("---\nlicense: mit\n---\n");
    ScanReport r = Scans.scan(model, allow("Apache-2.0"));
    assertEquals(Set.of("LICENSE_NOT_ALLOWED"), Scans.reasons(r));
    assertEquals("README.md", r.findings().get(0).file());
    assertTrue(Scans.scan(model, allow("Apache-2.0", "MIT")).accepted());
  }

  @Test
  void unreadableFrontMatterIsUnknownOnlyUnderAPolicy() throws IOException {
    Path model = model("---\nlicense: &a mit\n---\n");
    assertTrue(Scans.scan(model, ANY).accepted());
    ScanReport r = Scans.scan(model, allow("Apache-2.0", "MIT"));
    assertEquals(Set.of("LICENSE_UNKNOWN"), Scans.reasons(r));
    assertEquals("README.md", r.findings().get(0).file());
  }

  @Test
  void aNonSpdxDeclarationIsUnknown() throws IOException {
    Path model = model("---\nlicense: other\nlicense_name: custom\n---\n");
    ScanReport r = Scans.scan(model, allow("Apache-2.0"));
    assertEquals(Set.of("LICENSE_UNKNOWN"), Scans.reasons(r));
  }

  private Path model(String readme) throws IOException {
    Path m = Files.createDirectories(dir.resolve("m"));
    Files.copy(Scans.resource("license/apache.safetensors"), m.resolve("model.safetensors"));
    Files.write(m.resolve("README.md"), readme.getBytes(StandardCharsets.UTF_8));
    return m;
  }

  private static FileReport file(ScanReport r, String name) {
    return r.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }
}
