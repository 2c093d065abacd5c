package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.safeload.Finding;
import dev.safeload.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names of one walk: servable names, refused names, and names that fold into one. */
class ModelNamesTest {
  static final Path ROOT = Path.of("/models/m");

  @Test
  void aNameIsTheSlashSeparatedPathUnderTheRoot() {
    assertEquals(
        "sub/dir/w.bin",
        new ModelNames(ROOT, new ArrayList<>()).servable(ROOT.resolve("sub/dir/w.bin")));
  }

  @Test
  void controlCharactersBackslashesAndUndecodableBytesAreRefused() {
    for (String bad :
        List.of(
            "a\nb",
            "a\u007fb",
            "a\\b",
            "a\uFFFDb",
            "modeling_x.py.",
            "modeling.p\u200by",
            "evil\u202etxt.py",
            "\ufeffconfig.json",
            "modeling.py\udb40\udc20.txt",
            "modeling_x.py ",
            "sub./w.bin",
            "sub /w.bin")) {
      List<Finding> findings = new ArrayList<>();
      assertNull(new ModelNames(ROOT, findings).servable(ROOT.resolve(bad)), bad);
      assertEquals(
          List.of(Reason.FILE_NAME_INVALID), findings.stream().map(Finding::reason).toList(), bad);
    }
  }

  @Test
  void aNameLongerThanTheLimitIsRefusedBeforeFolding() {
    List<Finding> findings = new ArrayList<>();
    ModelNames names = new ModelNames(ROOT, findings);
    String longest = "x".repeat(ModelNames.MAX_NAME_CHARS);
    assertEquals(longest, names.servable(ROOT.resolve(longest)));
    assertNull(names.servable(ROOT.resolve(longest + "x")));
    assertEquals(
        List.of(Reason.FILE_NAME_INVALID), findings.stream().map(Finding::reason).toList());
  }

  @Test
  void namesThatAreOneOnceCaseAndUnicodeFormAreFoldedCollide() {
    ModelNames names = new ModelNames(ROOT, new ArrayList<>());
    assertNull(names.collidesWith("Model.bin"));
    assertEquals("Model.bin", names.collidesWith("model.BIN"));
    assertNull(names.collidesWith("caf\u00e9.json"));
    assertEquals("caf\u00e9.json", names.collidesWith("cafe\u0301.json"));
    assertNull(names.collidesWith("other.bin"));
    // long s upper-cases to S: one name to a case-folding file system
    assertNull(names.collidesWith("state.json"));
    assertEquals("state.json", names.collidesWith("\u017Ftate.json"));
  }
}
