package dev.safeload.formats.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.Scans;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test against CPython: {@code generate.py} pickles one value with protocols 0 to 5,
 * loads it back with {@code pickle.load} and writes a canonical rendering of what CPython read. The
 * machine's typed value for the same bytes must render identically: same ints (incl. LONG1/LONG
 * text forms), floats (bit-exact), strings (UTF-8, raw-unicode-escape), containers, memo sharing
 * and MEMOIZE numbering.
 */
class CpythonDifferentialTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void machineReadsWhatCpythonReads(int protocol) throws Exception {
    byte[] pickle = Scans.read(Scans.resource("pickle/data_v" + protocol + ".pkl"));
    String expected =
        Files.readString(
                Scans.resource("pickle/data_v" + protocol + ".txt"), StandardCharsets.UTF_8)
            .strip();
    PickleMachine.Result r =
        PickleMachine.run(
            ByteBuffer.wrap(pickle),
            0,
            PickleProfile.torchWeightsExtended(),
            PickleLimits.defaults(),
            null);
    assertEquals(pickle.length, r.end());
    assertEquals(expected, canon(r.value()));
  }

  static String canon(Value v) {
    StringBuilder sb = new StringBuilder();
    canon(v, sb);
    return sb.toString();
  }

  private static void canon(Value v, StringBuilder sb) {
    if (v instanceof Value.NoneV) {
      sb.append("None");
    } else if (v instanceof Value.BoolV b) {
      sb.append(b.value() ? "True" : "False");
    } else if (v instanceof Value.IntV i) {
      sb.append(i.fitsLong() ? Long.toString(i.value()) : i.big().toString());
    } else if (v instanceof Value.FloatV f) {
      sb.append('f').append(String.format("%016x", Double.doubleToRawLongBits(f.value())));
    } else if (v instanceof Value.StrV s) {
      sb.append('\'');
      for (char c : s.value().toCharArray()) {
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
          sb.append(c);
        } else {
          sb.append(String.format("\\u%04x", (int) c));
        }
      }
      sb.append('\'');
    } else if (v instanceof Value.BytesV b) {
      sb.append('b').append(b.length());
    } else if (v instanceof Value.ListV l) {
      seq("[", l.items, "]", sb);
    } else if (v instanceof Value.TupleV t) {
      seq("(", t.items(), ")", sb);
    } else if (v instanceof Value.SetV s) {
      seq("set(", s.items, ")", sb);
    } else if (v instanceof Value.DictV d) {
      sb.append('{');
      for (int i = 0; i < d.items.size(); i += 2) {
        if (i > 0) {
          sb.append(',');
        }
        canon(d.items.get(i), sb);
        sb.append(':');
        canon(d.items.get(i + 1), sb);
      }
      sb.append('}');
    } else {
      sb.append('<').append(v.typeName()).append('>');
    }
  }

  private static void seq(
      String open, java.util.List<Value> items, String close, StringBuilder sb) {
    sb.append(open);
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      canon(items.get(i), sb);
    }
    sb.append(close);
  }
}
