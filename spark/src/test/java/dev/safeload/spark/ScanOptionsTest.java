package dev.safeload.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.testing.FileBuilders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options as the executors' loaders apply them (no Spark needed). */
class ScanOptionsTest {
  @TempDir Path tmp;

  @Test
  void aPolicyFileIgnoresFilesAndTheirRowsSaySo() throws IOException {
    Path policy = tmp.resolve("safeload.json");
    Files.writeString(policy, "{\"version\": 1, \"ignore\": [\"*.md\"]}");
    Path model = Files.createDirectories(tmp.resolve("m"));
    Files.write(
        model.resolve("model.safetensors"), FileBuilders.safetensors(TestRegistry.TENSOR, 8));
    Files.writeString(model.resolve("README.md"), "# m");
    ScanOptions options = ScanOptions.builder().policyFile(policy).build();
    ScanReport report = Loaders.build(options).scan(model);
    List<InventoryRow> rows = InventoryRow.of("file:/m", report);
    assertEquals(
        List.of("model.safetensors", "README.md"), rows.stream().map(InventoryRow::file).toList());
    assertEquals(
        List.of(Inventory.ACCEPTED, Inventory.IGNORED),
        rows.stream().map(InventoryRow::verdict).toList());
  }

  @Test
  void aPolicyAskingForSignaturesIsRefused() throws IOException {
    Path policy = tmp.resolve("safeload.json");
    Files.writeString(policy, "{\"version\": 1, \"trust\": {\"publicKey\": \"signer.pub.pem\"}}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ScanOptions.builder().policyFile(policy));
    assertTrue(e.getMessage().contains("trust.[publicKey]"), e.getMessage());
  }

  @Test
  void anInvalidFeedIsRefusedOnTheDriver() throws IOException {
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(feed, "{\"version\": 2, \"revoked\": []}");
    assertThrows(IllegalArgumentException.class, () -> ScanOptions.builder().revocations(feed));
  }

  @Test
  void aRevokedDigestRejectsTheFile() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("m"));
    byte[] bytes = FileBuilders.safetensors(TestRegistry.TENSOR, 8);
    Files.write(model.resolve("model.safetensors"), bytes);
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(
        feed,
        "{\"version\": 1, \"revoked\": [{\"sha256\": \""
            + dev.safeload.provenance.Sha256.hash(bytes).hex()
            + "\", \"reason\": \"incident 7\"}]}");
    ScanOptions options = ScanOptions.builder().revocations(feed).build();
    List<InventoryRow> rows = InventoryRow.of("file:/m", Loaders.build(options).scan(model));
    assertEquals(1, rows.size());
    assertEquals(Inventory.REJECTED, rows.get(0).verdict());
    assertEquals(
        List.of("REVOKED_DIGEST"),
        rows.get(0).findings().stream().map(InventoryRow.FindingRow::code).toList());
  }

  @Test
  void equalOptionsShareOneLoaderPerExecutor() throws IOException {
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(feed, "{\"version\": 1, \"revoked\": []}");
    ScanOptions a = ScanOptions.builder().revocations(feed).build();
    ScanOptions b = ScanOptions.builder().revocations(feed).build();
    assertEquals(a.loaderKey(), b.loaderKey());
    assertNotEquals(a.loaderKey(), ScanOptions.defaults().loaderKey());
    assertSame(Loaders.forOptions(a), Loaders.forOptions(b));
  }
}
