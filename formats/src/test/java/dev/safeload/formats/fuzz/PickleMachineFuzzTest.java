package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.pickle.Pickle;
import dev.safeload.formats.pickle.PickleHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the pickle machine through the raw-pickle handler (extended profile: every data opcode).
 * Only rejections may escape; small limits keep each run bounded so that hostile counts show up as
 * PICKLE_LIMIT_EXCEEDED, never as memory or time.
 */
class PickleMachineFuzzTest {
  private static final LoadPolicy POLICY =
      LoadPolicy.strict().toBuilder()
          .set(Pickle.MAX_STACK_DEPTH, 10_000L)
          .set(Pickle.MAX_MEMO_ENTRIES, 10_000L)
          .set(Pickle.MAX_CONTAINER_ITEMS, 100_000L)
          .set(Pickle.MAX_STRING_BYTES, 1L << 20)
          .build();
  private static final PickleHandler HANDLER = new PickleHandler();

  @FuzzTest(maxDuration = "5s")
  void pickleMachine(byte[] data) {
    List<Finding> findings = new ArrayList<>();
    try {
      HANDLER.validate(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting("f.pkl", POLICY, findings));
    } catch (FormatException expected) {
      // a rejection is a valid outcome; anything else escaping is a bug
    }
  }
}
