package dev.safeload.formats.modelcard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.DeclaredLicense;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.formats.internal.modelcard.FrontMatter;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The front-matter reader: what it takes, what it refuses (always LICENSE_UNKNOWN), how much it
 * reads.
 */
class FrontMatterTest {
  private static List<String> read(String s) {
    return FrontMatter.licenses(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static void refused(String s) {
    FormatException e = assertThrows(FormatException.class, () -> read(s), s);
    assertEquals(Reason.LICENSE_UNKNOWN, e.reason());
  }

  @Test
  void readsTheFormsModelCardsUse() {
    assertEquals(List.of("mit"), read("---\nlicense: mit\n---\n"));
    assertEquals(List.of("Apache-2.0"), read("\uFEFF---\r\nlicense: 'Apache-2.0'\r\n---\r\n"));
    assertEquals(List.of("MIT OR Apache-2.0"), read("---\nlicense: \"MIT OR Apache-2.0\"\n...\n"));
    assertEquals(
        List.of("mit", "cc-by-4.0"), read("---\nlicense:\n  - mit\n  - cc-by-4.0 # data\n---\n"));
    assertEquals(List.of("mit", "gpl-3.0"), read("---\nlicense: [mit, gpl-3.0]\n---\n"));
    assertEquals(List.of("x"), read("---\nlicense:\n- x\nlanguage: en\n---\n"));
  }

  @Test
  void noFrontMatterOrNoKeyDeclaresNothing() {
    assertEquals(List.of(), read("# A card\nlicense: mit\n"));
    assertEquals(List.of(), read("---\nlanguage: en\nextra:\n  license: mit\n---\n"));
    assertEquals(List.of(), read(""));
  }

  @Test
  void refusesWhatAnotherYamlReaderCouldReadDifferently() {
    refused("---\nlicense: mit\n"); // never closed
    refused("---\nlicense: mit\nlicense: gpl-3.0\n---\n");
    refused("---\nlicense: &a mit\n---\n");
    refused("---\nlicense: *a\n---\n");
    refused("---\nlicense: !!str mit\n---\n");
    refused("---\nlicense: |\n  mit\n---\n");
    refused("---\nlicense: {name: mit}\n---\n");
    refused("---\nlicense:\n---\n");
    refused("---\nlicense:\n  name: mit\n---\n");
    refused("---\nlicense: \"mi\\u0074\"\n---\n");
    refused("---\n\"license\": mit\n---\n");
    refused("---\nlicense : mit\n---\n");
    refused("---\nlicense: [mit, [x]]\n---\n");
    refused("---\nlicense: 'it''s' x'\n---\n");
    byte[] bad = "---\nlicense: \u00ff\n---\n".getBytes(StandardCharsets.ISO_8859_1);
    FormatException e =
        assertThrows(FormatException.class, () -> FrontMatter.licenses(ByteBuffer.wrap(bad)));
    assertEquals(Reason.LICENSE_UNKNOWN, e.reason());
    assertEquals(4, e.offset(), "the front matter's first byte");
    // An encoded surrogate: refused by the one validator as by the JDK's strict decoder.
    byte[] surrogate = {'-', '-', '-', '\n', 'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'};
    byte[] card = new byte[surrogate.length + 4];
    System.arraycopy(surrogate, 0, card, 0, surrogate.length);
    System.arraycopy("---\n".getBytes(StandardCharsets.US_ASCII), 0, card, surrogate.length, 4);
    FormatException s =
        assertThrows(FormatException.class, () -> FrontMatter.licenses(ByteBuffer.wrap(card)));
    assertEquals(Reason.LICENSE_UNKNOWN, s.reason());
  }

  @Test
  void readsABoundedPrefixOfAHugeCard() {
    // A 16 MiB card whose front matter never closes: the describer asks for one slice of at most
    // MAX_BYTES + 8 bytes and refuses, whatever the file's size.
    long size = 16L << 20;
    long[] largestSlice = {0};
    ModelBytes bytes =
        new ModelBytes() {
          @Override
          public long size() {
            return size;
          }

          @Override
          public byte get(long offset) {
            throw new AssertionError("reads a slice");
          }

          @Override
          public ByteBuffer slice(long offset, int length) {
            largestSlice[0] = Math.max(largestSlice[0], length);
            ByteBuffer b = ByteBuffer.allocate(length);
            b.put("---\n".getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
              b.put((byte) 'a');
            }
            return b.flip();
          }

          @Override
          public InputStream openStream(long offset) {
            throw new AssertionError("reads a slice");
          }
        };
    List<dev.safeload.Finding> findings = new ArrayList<>();
    assertThrows(
        FormatException.class,
        () ->
            new ModelCardDescriber()
                .describe(
                    bytes,
                    ValidationContext.collecting("README.md", LoadPolicy.strict(), findings)));
    assertTrue(largestSlice[0] <= FrontMatter.MAX_BYTES + 8, "read " + largestSlice[0]);
  }

  @Test
  void describerNamesTheFieldOfEachItem() {
    ModelBytes b =
        ModelBytes.of(
            ByteBuffer.wrap(
                "---\nlicense:\n- mit\n- gpl-3.0\n---\n".getBytes(StandardCharsets.UTF_8)));
    List<DeclaredLicense> l =
        new ModelCardDescriber()
            .describe(
                b,
                ValidationContext.collecting(
                    "sub/README.md", LoadPolicy.strict(), new ArrayList<>()))
            .licenses();
    assertEquals(
        List.of(
            new DeclaredLicense("mit", "sub/README.md", "front matter license[0]"),
            new DeclaredLicense("gpl-3.0", "sub/README.md", "front matter license[1]")),
        l);
  }
}
