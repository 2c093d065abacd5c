package dev.safeload.formats.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.safetensors.SafetensorsIndexHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSON side files that Python writes may hold NaN and Infinity in number positions; indexes may
 * not.
 */
class JsonNonFiniteTest {
  private static final String TRAINER_STATE =
      "{\n  \"best_metric\": NaN,\n  \"log_history\": [\n    {\"grad_norm\": "
          + "Infinity, \"loss\": -Infinity, \"step\": 10}\n  ]\n}\n";

  @Test
  void trainerStateIsAccepted() {
    assertEquals(List.of(), reasons(new JsonHandler(), TRAINER_STATE));
  }

  @Test
  void onlyPythonsSpellingsInNumberPositions() {
    for (String bad :
        List.of(
            "{\"a\": nan}",
            "{\"a\": +Infinity}",
            "{\"a\": Infinityx}",
            "{NaN: 1}",
            "{\"a\": -NaN}",
            "{\"a\": inf}")) {
      assertEquals(List.of(FormatReason.JSON_INVALID), reasons(new JsonHandler(), bad), bad);
    }
    assertEquals(
        List.of(), reasons(new JsonHandler(), "{\"NaN\": \"NaN\"}"), "as text it is just text");
  }

  @Test
  void neverInAShardIndex() {
    String index =
        "{\"metadata\": {\"total_size\": 1, \"x\": NaN}, \"weight_map\": {\"a\": \"m.safetensors\"}}";
    assertEquals(List.of(FormatReason.JSON_INVALID), reasons(new SafetensorsIndexHandler(), index));
  }

  private static List<ReasonCode> reasons(FormatHandler h, String json) {
    List<Finding> sink = new ArrayList<>();
    ValidationContext ctx =
        ValidationContext.collecting("trainer_state.json", LoadPolicy.strict(), sink);
    try {
      h.validate(ModelBytes.of(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8))), ctx);
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    }
    return sink.stream().map(Finding::reason).toList();
  }
}
