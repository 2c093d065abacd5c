package dev.safeload.cli;

import dev.safeload.PolicyFile;
import dev.safeload.ScanReport;
import dev.safeload.bom.AiBom;
import dev.safeload.verify.PinSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload bom PATH [--pins FILE] [-o FILE]}: a CycloneDX 1.6 ML-BOM of what {@code scan}
 * (or, with {@code --pins}, {@code verify}) saw: every file's SHA-256, format, verdict and
 * findings, and the scan's proofs as evidence ({@code hash-comparison} for the files the pins
 * prove, with the pin file as the proof's source). A rejected model still gets its BOM, findings
 * included, with exit code 1: a responder wants to know what was refused too.
 */
@Command(
    name = "bom",
    subcommands = BomFindCommand.class,
    description = {
      "Writes a CycloneDX 1.6 (or, with --format spdx, SPDX 3.0.1) AI bill of materials",
      "for a model file or directory.",
      "  safeload bom models/llama --pins llama.pins.json -o llama.cdx.json",
      "  safeload bom models/llama --format spdx -o llama.spdx.json",
      "  safeload bom find --sha256 HEX *.cdx.json *.spdx.json",
      "  safeload bom find --revoked revoked.json boms/",
      "With --pins, every file must match its pin, as in 'verify'.",
      "Exit 0 if the model is accepted, 1 if anything is rejected (the BOM is still",
      "written, with the findings), 2 on usage or I/O errors (also a file that cannot be read)."
    })
final class BomCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Mixin PinsOption pinsOption;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the BOM here instead of stdout.")
  @Nullable Path output;

  /** The BOM formats {@code --format} takes. */
  enum Format {
    cyclonedx,
    spdx
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "cyclonedx",
      description = {
        "cyclonedx (CycloneDX 1.6 JSON, the default) or spdx (SPDX 3.0.1 JSON-LD, AI",
        "profile: an AIPackage per model, its files with SHA-256, declared licences with where",
        "each was read, base models, findings and proofs as annotations)."
      })
  Format format = Format.cyclonedx;

  @Mixin IgnoreOption ignore;
  @Mixin PolicyOption policy;

  // Optional to picocli, which would otherwise demand PATH before running 'bom find'; call()
  // requires it.
  @Parameters(arity = "0..1", paramLabel = "PATH", description = "The model file or directory.")
  @Nullable String path;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    if (path == null) {
      err.println("safeload: bom needs a model PATH (or: bom find --sha256 HEX BOM...)");
      spec.commandLine().usage(err);
      err.flush();
      return Main.USAGE_OR_IO;
    }
    String path = this.path;
    PinSet pins = null;
    if (pinsOption.file != null) {
      try {
        pins = PinSet.load(pinsOption.file);
      } catch (NoSuchFileException e) {
        return Main.usageError(err, e.getFile() + ": no such file");
      } catch (IOException | IllegalArgumentException e) {
        return Main.usageError(err, "cannot use pins: " + e.getMessage());
      }
    }
    List<dev.safeload.provenance.ProvenanceVerifier> proofs =
        pins == null ? List.of() : List.of(pins);
    PolicyFile policyFile;
    try {
      policyFile = policy.resolve(List.of(path), main.workingDirectory()).orElse(null);
    } catch (IllegalArgumentException e) {
      return Main.usageError(err, e.getMessage());
    }
    // With pins, every file must be proven as in 'verify': the loader applies that rule, and the
    // BOM
    // records the proofs the scan kept.
    boolean requireProof = pins != null;
    Scans s =
        Scans.run(
            progress -> main.loaderWith(proofs, progress, ignore, policyFile, requireProof),
            List.of(path),
            err);
    if (s.ioError) {
      return Main.USAGE_OR_IO;
    }
    Scanned sc = s.scanned.get(0);
    ScanReport report = sc.report();
    AiBom.Builder bom = AiBom.builder().add(report);
    byte[] json = format == Format.spdx ? bom.build().toSpdxByteArray() : bom.build().toByteArray();
    if (output == null) {
      out.print(new String(json, StandardCharsets.US_ASCII)); // the writer escapes non-ASCII
      out.flush();
    } else {
      Files.write(output, json);
    }
    if (!report.accepted()) {
      List<Scanned> shown = List.of(sc);
      TableReport.write(shown, err);
      err.println("safeload: " + path + " is rejected; the BOM records its findings");
      err.flush();
      return Scans.exitCode(shown);
    }
    return Main.OK;
  }
}
