package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mistral_common names its SentencePiece tokenizers {@code tokenizer.model.v<N>} (Mistral 7B v0.3,
 * Codestral and Mistral Large ship {@code tokenizer.model.v3} beside {@code tokenizer.model}): a
 * real BPE model with byte fallback, as the sentencepiece trainer writes it, is accepted under
 * those names instead of being refused as {@code UNKNOWN_FORMAT}.
 */
class MistralTokenizerNamesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"tokenizer.model.v3", "tokenizer.model.v7", "tokenizer.model.v1"})
  void aRealSentencePieceModelUnderMistralsNameIsAccepted(String name) throws IOException {
    Files.write(dir.resolve(name), resource("byte_fallback.model"));
    ScanReport r = Scans.scan(dir);
    assertEquals(List.<Finding>of(), r.findings());
    assertEquals("sentencepiece", r.files().get(0).format());
  }
}
