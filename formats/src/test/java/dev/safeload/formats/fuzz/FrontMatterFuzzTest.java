package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.modelcard.ModelCardDescriber;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * Coverage-guided fuzzing of the model-card front-matter reader behind {@link ModelCardDescriber}
 * (seeds in {@code FrontMatterFuzzTestInputs/}): any bytes end in declarations or a {@link
 * FormatException}, never another exception.
 */
class FrontMatterFuzzTest {
  private static final ModelCardDescriber DESCRIBER = new ModelCardDescriber();

  @FuzzTest(maxDuration = "5s")
  void describe(byte[] data) {
    try {
      DESCRIBER.describe(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting("README.md", LoadPolicy.strict(), new ArrayList<>()));
    } catch (FormatException e) {
      // a front matter the reader does not take: the licence is unknown
    }
  }
}
