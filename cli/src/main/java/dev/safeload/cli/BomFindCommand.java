package dev.safeload.cli;

import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.CycloneDxBom;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code safeload bom find --sha256 HEX BOM...}: which BOMs name a file with this digest, the question
 * after a model is revoked. Prints {@code BOM: model / file (bom-ref)} per match. A BOM that cannot be
 * read makes the answer incomplete, so it is an error (exit 2) even when other BOMs matched.
 */
@Command(name = "find",
    description = {"Prints the components of CycloneDX JSON BOMs that carry a SHA-256 hash.",
        "Exit 0 if any BOM names the digest, 1 if none does, 2 on usage errors or a BOM that",
        "cannot be read (it might name the digest)."})
final class BomFindCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--sha256", required = true, paramLabel = "HEX", description = "The digest: 64 hex digits.")
  String hex;

  @Parameters(arity = "1..*", paramLabel = "BOM", description = "CycloneDX JSON BOM files.")
  List<Path> boms;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    Sha256 digest;
    try {
      digest = Sha256.ofHex(hex);
    } catch (IllegalArgumentException e) {
      err.println("safeload: --sha256 needs 64 hex digits");
      err.flush();
      return Main.USAGE_OR_IO;
    }
    boolean found = false;
    boolean unreadable = false;
    for (Path p : boms) {
      try {
        for (CycloneDxBom.Component c : CycloneDxBom.read(p).withSha256(digest)) {
          out.println(p + ": " + String.join(" / ", c.path()) + (c.bomRef() == null ? "" : " (" + c.bomRef() + ")"));
          found = true;
        }
      } catch (NoSuchFileException e) {
        err.println("safeload: " + p + ": no such file");
        unreadable = true;
      } catch (IOException e) {
        err.println("safeload: " + p + ": " + e);
        unreadable = true;
      } catch (BomFormatException e) {
        err.println("safeload: " + p + ": not a CycloneDX JSON BOM: " + e.getMessage());
        unreadable = true;
      }
    }
    out.flush();
    err.flush();
    if (unreadable) {
      return Main.USAGE_OR_IO;
    }
    return found ? Main.OK : Main.REJECTED;
  }
}
