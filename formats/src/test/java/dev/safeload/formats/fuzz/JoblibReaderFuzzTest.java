package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.readers.JoblibReader;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;

/**
 * Fuzzes the joblib second reader (compressor headers, a bounded inflation and the pickle reader on
 * its output): it answers for any bytes and never throws. Its window is counted in
 * JoblibReaderTest.
 */
class JoblibReaderFuzzTest {
  private static final JoblibReader READER = new JoblibReader();

  @FuzzTest(maxDuration = "5s")
  void joblibReader(byte[] data) {
    READER.opens(ModelBytes.of(ByteBuffer.wrap(data))); // any exception escaping is a bug
  }
}
