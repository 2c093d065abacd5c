package dev.safeload.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.provenance.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading and writing pin files: both formats, and every way a pin file is refused. */
class PinFileTest {
  static final String A = "a".repeat(64);
  static final String B = "0123456789abcdef".repeat(4);

  @TempDir Path dir;

  static PinSet parse(String text) throws PinFileException {
    return PinSet.parse(text.getBytes(UTF_8), "test.pins.json");
  }

  static String refuse(String text) {
    return assertThrows(PinFileException.class, () -> parse(text)).getMessage();
  }

  @Test
  void readsJson() throws Exception {
    PinSet pins =
        parse(
            """
        {"version": 1, "files": [
          {"path": "model.safetensors", "size": 123, "sha256": "%s"},
          {"sha256": "%s", "path": "sub/config.json"}
        ]}
        """
                .formatted(A, B.toUpperCase()));
    assertEquals(
        List.of(
            new PinSet.Pin("model.safetensors", 123, Sha256.ofHex(A)),
            new PinSet.Pin("sub/config.json", PinSet.UNKNOWN_SIZE, Sha256.ofHex(B))),
        pins.pins());
    assertEquals("test.pins.json", pins.source());
    assertFalse(pins.pin("sub/config.json").orElseThrow().hasSize());
  }

  @Test
  void loadUsesTheFileNameAsSource() throws Exception {
    Path f = dir.resolve("models.pins.json");
    Files.writeString(f, "{\"version\":1,\"files\":[{\"path\":\"m\",\"sha256\":\"" + A + "\"}]}");
    assertEquals("models.pins.json", PinSet.load(f).source());
  }

  @Test
  void writeJsonRoundTrips() throws Exception {
    PinSet pins =
        PinSet.builder()
            .pin("z/last.bin", 7, Sha256.ofHex(B))
            .pin("first.safetensors", 0, Sha256.ofHex(A))
            .pin("digest-only.json", Sha256.ofHex(A))
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pins.writeJson(out);
    String json = out.toString(UTF_8);
    assertTrue(json.endsWith("}\n"), json);
    assertTrue(
        json.indexOf("digest-only.json") < json.indexOf("first.safetensors"), "sorted by path");
    assertEquals(pins.pins(), PinSet.parse(out.toByteArray(), "x").pins());
  }

  @Test
  void readsSha256sumTextAndBinaryMode() throws Exception {
    PinSet pins = parse(A + "  model.safetensors\n" + B + " *dir/name with spaces.bin\n");
    assertEquals(
        List.of(
            new PinSet.Pin("dir/name with spaces.bin", PinSet.UNKNOWN_SIZE, Sha256.ofHex(B)),
            new PinSet.Pin("model.safetensors", PinSet.UNKNOWN_SIZE, Sha256.ofHex(A))),
        pins.pins());
  }

  /**
   * {@code find . -type f -exec sha256sum {} +} names files {@code ./x}: the file the loader serves
   * as {@code x}. It was refused at load as {@code PIN_NAME_INVALID} (a '.' segment).
   */
  @Test
  void sha256sumNamesFromFindDot() throws Exception {
    PinSet pins = parse(A + "  ./model.safetensors\n" + B + " *./dir/b.bin\n");
    assertEquals(
        List.of(
            new PinSet.Pin("dir/b.bin", PinSet.UNKNOWN_SIZE, Sha256.ofHex(B)),
            new PinSet.Pin("model.safetensors", PinSet.UNKNOWN_SIZE, Sha256.ofHex(A))),
        pins.pins());
    assertTrue(refuse(A + "  ./m.bin\n" + B + "  m.bin\n").contains("pinned twice"));
    // Only the one leading "./" that sha256sum prints: the rest must already be normalised.
    assertEquals("./m.bin", parse(A + "  ././m.bin\n").pins().get(0).path());
  }

  @Test
  void sha256sumWithoutFinalNewline() throws Exception {
    assertEquals(1, parse(A + "  m.bin").pins().size());
  }

  @Test
  void sha256sumOfRealTool(@TempDir Path d) throws Exception {
    Path f = d.resolve("x.bin");
    Files.write(f, new byte[] {1, 2, 3});
    // Digest of {1,2,3}, as `sha256sum x.bin` prints it.
    String line = "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81  x.bin\n";
    PinSet pins = parse(line);
    assertEquals(
        Sha256.of(
            java.security.MessageDigest.getInstance("SHA-256", "SUN")
                .digest(Files.readAllBytes(f))),
        pins.pin("x.bin").orElseThrow().sha256());
  }

  @Test
  void refusesDuplicateJsonKeys() {
    assertTrue(refuse("{\"version\":1,\"version\":1,\"files\":[]}").contains("Duplicate"));
    assertTrue(
        refuse(
                "{\"version\":1,\"files\":[{\"path\":\"a\",\"path\":\"b\",\"sha256\":\""
                    + A
                    + "\"}]}")
            .contains("Duplicate"));
  }

  @Test
  void refusesDuplicatePaths() {
    String msg = refuse(json(entry("m.bin", A), entry("m.bin", B)));
    assertTrue(msg.contains("pinned twice"), msg);
    assertTrue(refuse(A + "  m.bin\n" + B + "  m.bin\n").contains("pinned twice"));
  }

  @Test
  void refusesPathsThatDifferOnlyInCase() {
    String msg = refuse(json(entry("Model.bin", A), entry("model.BIN", B)));
    assertTrue(msg.contains("differ only in case"), msg);
    assertTrue(refuse(A + "  Model.bin\n" + B + " *model.bin\n").contains("differ only in case"));
  }

  @Test
  void builderRefusesDuplicates() {
    PinSet.Builder b = PinSet.builder().pin("a/B", Sha256.ofHex(A));
    assertThrows(IllegalArgumentException.class, () -> b.pin("a/b", Sha256.ofHex(B)));
    assertThrows(IllegalArgumentException.class, () -> b.pin("a/B", Sha256.ofHex(A)));
  }

  @Test
  void refusesUnknownFields() {
    assertTrue(
        refuse("{\"version\":1,\"files\":[],\"extra\":0}").contains("unknown field 'extra'"));
    assertTrue(
        refuse(
                "{\"version\":1,\"files\":[{\"path\":\"a\",\"sha256\":\""
                    + A
                    + "\",\"md5\":\"x\"}]}")
            .contains("unknown field 'md5'"));
  }

  @Test
  void refusesBadHex() {
    for (String hex :
        List.of("", "abc", "g" + A.substring(1), A.substring(1), A + "a", " " + A.substring(1))) {
      assertTrue(refuse(json(entry("m.bin", hex))).contains("64 hex digits"), hex);
    }
  }

  @Test
  void refusesBadHexInSha256sum() {
    assertTrue(refuse("z".repeat(64) + "  m.bin\n").contains("64 hex digits"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-0.5", "1.0", "1e3", "\"12\"", "null", "99999999999999999999"})
  void refusesBadSizes(String size) {
    String msg =
        refuse(
            "{\"version\":1,\"files\":[{\"path\":\"a\",\"size\":"
                + size
                + ",\"sha256\":\""
                + A
                + "\"}]}");
    assertTrue(msg.contains("size"), msg);
  }

  @Test
  void refusesMissingOrWrongStructure() {
    assertTrue(refuse("{\"files\":[" + entry("a", A) + "]}").contains("'version' is missing"));
    assertTrue(refuse("{\"version\":1}").contains("'files' is missing"));
    assertTrue(refuse("{\"version\":4,\"files\":[]}").contains("unsupported version"));
    assertTrue(refuse("{\"version\":1.0,\"files\":[]}").contains("version must be an integer"));
    assertTrue(refuse("{\"version\":1,\"files\":{}}").contains("files must be an array"));
    assertTrue(refuse("{\"version\":1,\"files\":[[]]}").contains("must be an object"));
    assertTrue(
        refuse("{\"version\":1,\"files\":[{\"sha256\":\"" + A + "\"}]}").contains("lacks 'path'"));
    assertTrue(refuse("{\"version\":1,\"files\":[{\"path\":\"a\"}]}").contains("lacks 'sha256'"));
    assertTrue(
        refuse("{\"version\":1,\"files\":[{\"path\":7,\"sha256\":\"" + A + "\"}]}")
            .contains("path must be a string"));
    assertTrue(refuse(json(entry("a", A)) + " {}").contains("content after"));
    assertTrue(refuse("{\"version\":1,\"files\":[]} x").contains("not valid pin-file JSON"));
    assertTrue(refuse("{\"version\":1,\"files\":[],}").contains("not valid pin-file JSON"));
    assertTrue(
        refuse("{\"version\":1,\"files\":[" + entry("a", A)).contains("not valid pin-file JSON"));
  }

  @Test
  void refusesEmptyPinFiles() {
    assertTrue(refuse("").contains("empty"));
    assertTrue(refuse(" \n").contains("empty"));
    assertTrue(refuse("{\"version\":1,\"files\":[]}").contains("pins no files"));
  }

  /**
   * What {@code sha256sum -c} accepts beside the plain lines: the tagged lines of {@code sha256sum
   * --tag} and {@code cksum -a sha256} (coreutils 9's default), BSD {@code sha256} and {@code
   * shasum --tag}; CRLF line ends (a list checked out on Windows); empty lines and {@code #}
   * comments. Each was refused as a malformed pin file.
   */
  @Test
  void readsWhatSha256sumCheckReads() throws Exception {
    // As coreutils 9.1 `cksum -a sha256 'a b.bin' 'c).bin'` prints them ("hello" and "x").
    String hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    String x = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
    PinSet pins =
        parse(
            "# SHA256SUMS\r\n\r\nSHA256 (a b.bin) = "
                + hello
                + "\r\nSHA256 (./c).bin) = "
                + x
                + "\r\n"
                + A
                + " *m.bin\r\n\n");
    assertEquals(
        List.of(
            new PinSet.Pin("a b.bin", PinSet.UNKNOWN_SIZE, Sha256.ofHex(hello)),
            new PinSet.Pin("c).bin", PinSet.UNKNOWN_SIZE, Sha256.ofHex(x)),
            new PinSet.Pin("m.bin", PinSet.UNKNOWN_SIZE, Sha256.ofHex(A))),
        pins.pins());
    assertTrue(refuse("SHA256 (a.bin) = " + A + "\n" + A + "  a.bin\n").contains("pinned twice"));
  }

  @Test
  void refusesMalformedSha256sumLines() {
    assertTrue(refuse(A + " m.bin\n").contains("expected"));
    assertTrue(refuse(A + "  \n").contains("expected"));
    assertTrue(refuse(A + "  m.bin\n \n").contains("line 2"));
    assertTrue(refuse(A + "  m\r.bin\r\n").contains("a CR inside a line"));
    assertTrue(refuse("\\" + A + "  m\\\\x.bin\n").contains("escaped"));
    assertTrue(refuse("\\SHA256 (m\\\\x.bin) = " + A + "\n").contains("escaped"));
    assertTrue(refuse("SHA256 () = " + A + "\n").contains("expected 'SHA256 (name)"));
    assertTrue(refuse("SHA256 (m.bin)= " + A + "\n").contains("expected 'SHA256 (name)"));
    assertTrue(refuse("SHA512 (m.bin) = " + A + A + "\n").contains("expected"));
    assertTrue(refuse("SHA256 (m.bin) = " + A.substring(1) + "g\n").contains("64 hex"));
  }

  @Test
  void refusesNonUtf8Sha256sum() {
    byte[] bad = (A + "  m\u00ff.bin\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThrows(PinFileException.class, () -> PinSet.parse(bad, "x"));
  }

  @Test
  void refusesOversizedFile() throws Exception {
    Path f = dir.resolve("big.pins.json");
    try (var ch =
        java.nio.channels.FileChannel.open(
            f,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), (64L << 20)); // sparse, 64 MiB + 2 bytes
    }
    assertTrue(
        assertThrows(PinFileException.class, () -> PinSet.load(f))
            .getMessage()
            .contains("larger than"));
  }

  static String entry(String path, String hex) {
    return "{\"path\":\"" + path + "\",\"sha256\":\"" + hex + "\"}";
  }

  static String json(String... entries) {
    return "{\"version\":1,\"files\":[" + String.join(",", entries) + "]}";
  }
}
