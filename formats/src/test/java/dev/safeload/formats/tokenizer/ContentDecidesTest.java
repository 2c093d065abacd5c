package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.detect;
import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every real tokenizer fixture is detected most strongly by its own handler alone among all
 * built-in handlers, and validates only with the handlers that detect it: content decides, also
 * between the two claimants of {@code tokenizer.model}.
 */
class ContentDecidesTest {

  @ParameterizedTest
  @CsvSource({
    "vocab.txt, vocab-txt",
    "merges.txt, bpe-merges",
    "tiny.tiktoken, tiktoken",
    "spiece.model, sentencepiece",
    "byte_fallback.model, sentencepiece"
  })
  void onlyTheOwnHandlerClaimsAndAcceptsTheFile(String file, String id) {
    byte[] bytes = resource(file);
    Map<String, Confidence> claims = new TreeMap<>();
    List<String> accepting = new ArrayList<>();
    for (FormatHandler h : ServiceLoader.load(FormatHandler.class)) {
      Confidence c = detect(h, bytes);
      if (c != Confidence.NONE) {
        claims.put(h.id(), c);
      }
      if (h.fileNames().contains("tokenizer.model") && reasons(h, bytes).isEmpty()) {
        accepting.add(h.id());
      }
    }
    assertEquals(List.of(id), List.copyOf(claims.keySet()), "detected by " + claims);
    if (file.endsWith(".model") || file.endsWith(".tiktoken")) {
      assertEquals(List.of(id), accepting, "exactly one tokenizer.model handler validates it");
    }
  }
}
