package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's install and CI sections hold shell, XML and YAML, which {@link ReadmeSnippetsTest}
 * (Java blocks) cannot run. Each such block says on the line before it what runs it ({@code <!--
 * checked by FILE: ... -->}) or why nothing here can ({@code <!-- not run: ... -->}, still naming
 * the file that checks the part that can run), and the named file must exist: a block added without
 * a check, or a check renamed, fails here.
 */
class ReadmeCiSectionsTest {
  static final List<String> SECTIONS =
      List.of("## Install", "### In CI: GitHub Action and pre-commit", "## Gating models in CI");

  static final Pattern MARKER =
      Pattern.compile("<!-- (checked by|not run: [^;]+; checked by) ([\\w./-]+)[: ,].*-->");

  @Test
  void everyCodeBlockOfTheInstallAndCiSectionsNamesWhatRunsIt() throws Exception {
    List<String> lines = Files.readAllLines(ReadmeSnippetsTest.README);
    List<String> checked = new ArrayList<>();
    for (String heading : SECTIONS) {
      int start = lines.indexOf(heading);
      assertTrue(start >= 0, "no README section " + heading);
      String level = heading.substring(0, heading.indexOf(' ') + 1);
      boolean inBlock = false;
      for (int i = start + 1; i < lines.size(); i++) {
        String line = lines.get(i);
        if (!inBlock && (line.startsWith(level) || line.startsWith("## "))) {
          break; // the next section
        }
        if (line.startsWith("```")) {
          if (!inBlock) {
            Matcher m = MARKER.matcher(lines.get(i - 1));
            assertTrue(
                m.matches(),
                heading + ", README line " + (i + 1) + ": a code block with no check marker");
            Path file = Path.of("..", m.group(2));
            assertTrue(Files.isRegularFile(file), "the named check does not exist: " + file);
            checked.add(line.substring(3) + " " + m.group(2));
          }
          inBlock = !inBlock;
        }
      }
    }
    assertEquals(5, checked.size(), checked.toString());
  }
}
