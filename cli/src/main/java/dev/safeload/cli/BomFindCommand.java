package dev.safeload.cli;

import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.CycloneDxBom;
import dev.safeload.bom.SpdxBom;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code safeload bom find (--sha256 HEX | --revoked FEED) BOM|DIR...}: the incident question.
 * Every line it prints holds text from elsewhere (a BOM's names and sources, a feed's reasons, the
 * names of files found in a directory), so control characters are replaced ({@link
 * TableReport#printable}): a BOM cannot drive the terminal or forge a line of the answer. Reads
 * CycloneDX JSON BOMs and SPDX 3.0.1 JSON-LD documents (the format is told by the document), files
 * given by name and every {@code *.json} file under a given directory.
 *
 * <ul>
 *   <li>{@code --sha256}: which BOMs name a file with this digest; prints {@code BOM: model / file
 *       (ref)[, loaded from PATH]} per match. Exit 0 if any matches, 1 if none.
 *   <li>{@code --revoked}: a revocation feed (the format {@code verify --revoked} reads: revoked
 *       digests and signers, each with a reason); prints {@code BOM: model / file (ref)[, loaded
 *       from PATH]: revoked digest|signer ...: REASON} for every BOM entry that names a revoked
 *       digest or a revoked signer. Exit 1 if any does (a revoked model was loaded somewhere), 0 if
 *       none.
 * </ul>
 *
 * A BOM that cannot be read makes the answer incomplete: exit 2, even when others matched. A {@code
 * *.json} file found under a directory that is neither format (no {@code bomFormat}, no
 * {@code @context}: a pin file, a config) is skipped with a note on stderr; a file named on the
 * command line must be a BOM.
 */
@Command(
    name = "find",
    description = {
      "Finds the BOMs (CycloneDX JSON or SPDX 3.0.1) that name a digest, or any digest or",
      "signer a revocation feed revokes. BOM may be a file or a directory (its *.json files).",
      "  safeload bom find --sha256 HEX boms/",
      "  safeload bom find --revoked revoked.json boms/",
      "Exit with --sha256: 0 if any BOM names the digest, 1 if none does; with --revoked: 1 if any",
      "BOM names a revoked digest or signer, 0 if none does; 2 on usage errors, an unreadable feed,",
      "or a BOM that cannot be read (it might name what you are looking for)."
    })
final class BomFindCommand implements Callable<Integer> {
  /** Deepest directory level searched for BOMs. */
  static final int MAX_DEPTH = 16;

  @Spec CommandSpec spec;

  static final class Query {
    @Option(
        names = "--sha256",
        required = true,
        paramLabel = "HEX",
        description = "The digest: 64 hex digits.")
    @Nullable String hex;

    @Option(
        names = "--revoked",
        required = true,
        paramLabel = "FEED",
        description =
            "A revocation feed (JSON: {\"version\":1,\"revoked\":[{\"sha256\"|\"identity\"|\"keySha256\"|\"certSha256\": ..., \"reason\": ...}]}).")
    @Nullable Path feed;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  @Parameters(
      arity = "1..*",
      paramLabel = "BOM",
      description = "BOM files, or directories to search for *.json BOMs.")
  List<Path> boms;

  /** One package or file of a BOM, whichever the format. */
  private record Entry(
      List<String> path,
      @Nullable String ref,
      List<Sha256> sha256,
      List<dev.safeload.provenance.Signer> signers,
      @Nullable String loadedFrom) {
    String describe() {
      return String.join(" / ", path)
          + (ref == null ? "" : " (" + ref + ")")
          + (loadedFrom == null ? "" : ", loaded from " + loadedFrom);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Sha256 digest = null;
    RevocationList feed = null;
    try {
      if (query.hex != null) {
        digest = Sha256.ofHex(query.hex);
      } else {
        // The two options form an exclusive, required group: no --sha256 means a feed.
        feed = RevocationList.load(Objects.requireNonNull(query.feed));
      }
    } catch (IllegalArgumentException e) {
      return Main.usageError(err, "--sha256 needs 64 hex digits");
    } catch (NoSuchFileException e) {
      return Main.usageError(err, e.getFile() + ": no such file");
    } catch (IOException | SignatureVerificationException e) {
      return Main.usageError(err, "cannot use the revocation feed: " + e.getMessage());
    }
    boolean found = false;
    boolean unreadable = false;
    for (Path arg : boms) {
      List<Path> files = new ArrayList<>();
      boolean walked = Files.isDirectory(arg);
      if (walked) {
        try (Stream<Path> s = Files.walk(arg, MAX_DEPTH)) {
          s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
              .sorted()
              .forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          err.println(
              TableReport.printable("safeload: " + arg + ": cannot search: " + e.getMessage()));
          unreadable = true;
          continue;
        }
      } else {
        files.add(arg);
      }
      for (Path p : files) {
        List<Entry> entries;
        try {
          entries = read(p, walked);
        } catch (NoSuchFileException e) {
          err.println(TableReport.printable("safeload: " + p + ": no such file"));
          unreadable = true;
          continue;
        } catch (IOException e) {
          err.println(TableReport.printable("safeload: " + p + ": " + e));
          unreadable = true;
          continue;
        } catch (BomFormatException e) {
          err.println(TableReport.printable("safeload: " + p + ": " + e.getMessage()));
          unreadable = true;
          continue;
        }
        if (entries == null) {
          err.println(
              TableReport.printable("safeload: " + p + ": skipped, not a CycloneDX or SPDX BOM"));
          continue;
        }
        for (Entry e : entries) {
          if (digest != null) {
            if (e.sha256().contains(digest)) {
              out.println(TableReport.printable(p + ": " + e.describe()));
              found = true;
            }
            continue;
          }
          for (Sha256 d : e.sha256()) {
            Optional<String> why = Objects.requireNonNull(feed).revokedDigest(d);
            if (why.isPresent()) {
              out.println(
                  TableReport.printable(
                      p + ": " + e.describe() + ": revoked digest " + d.hex() + ": " + why.get()));
              found = true;
            }
          }
          for (dev.safeload.provenance.Signer s : e.signers()) {
            Optional<String> why = Objects.requireNonNull(feed).revokedSigner(s);
            if (why.isPresent()) {
              out.println(
                  TableReport.printable(
                      p + ": " + e.describe() + ": revoked signer " + s + ": " + why.get()));
              found = true;
            }
          }
        }
      }
    }
    out.flush();
    err.flush();
    if (unreadable) {
      return Main.USAGE_OR_IO;
    }
    if (digest != null) {
      return found ? Main.OK : Main.REJECTED;
    }
    return found ? Main.REJECTED : Main.OK;
  }

  /**
   * The entries of a BOM of either format, or {@code null} for a JSON document that claims neither
   * format when {@code mayBeOther} (found by searching a directory).
   */
  private static @Nullable List<Entry> read(Path p, boolean mayBeOther)
      throws IOException, BomFormatException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(p)) {
      bytes = in.readNBytes(CycloneDxBom.MAX_BYTES + 1);
    }
    if (bytes.length > CycloneDxBom.MAX_BYTES) {
      throw new BomFormatException("larger than " + CycloneDxBom.MAX_BYTES + " bytes");
    }
    BomFormatException asCdx;
    try {
      return CycloneDxBom.parse(bytes).components().stream()
          .map(c -> new Entry(c.path(), c.bomRef(), c.sha256(), c.signers(), c.loadedFrom()))
          .toList();
    } catch (BomFormatException e) {
      asCdx = e;
    }
    if (!"no bomFormat".equals(asCdx.getMessage())) {
      // It says it is CycloneDX (or is not even strict JSON): that reading's complaint is the one
      // to show.
      throw new BomFormatException("not a CycloneDX JSON BOM: " + asCdx.getMessage());
    }
    try {
      return SpdxBom.parse(bytes).elements().stream()
          .map(e -> new Entry(e.path(), e.spdxId(), e.sha256(), e.signers(), e.loadedFrom()))
          .toList();
    } catch (BomFormatException e) {
      if ("no @context".equals(e.getMessage())) {
        if (mayBeOther) {
          return null;
        }
        throw new BomFormatException(
            "neither a CycloneDX BOM (no bomFormat) nor an SPDX 3.0.1 document (no @context)");
      }
      throw new BomFormatException("not an SPDX 3.0.1 document: " + e.getMessage());
    }
  }
}
