package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.readers.PickleReader;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;

/**
 * Fuzzes the pickle second reader (the polyglot check every file of another format gets): it
 * answers for any bytes and never throws, whatever opcodes, lengths and lines they hold. Its work
 * bound is counted in PickleReaderTest.
 */
class PickleReaderFuzzTest {
  private static final PickleReader READER = new PickleReader();

  @FuzzTest(maxDuration = "5s")
  void pickleReader(byte[] data) {
    READER.opens(ModelBytes.of(ByteBuffer.wrap(data))); // any exception escaping is a bug
  }
}
