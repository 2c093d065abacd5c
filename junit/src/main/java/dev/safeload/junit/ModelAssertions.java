package dev.safeload.junit;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.PolicyFile;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.Technique;
import dev.safeload.spi.FormatHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions that check model files the way an application's loader would, for tests that gate the
 * models a repository ships. Each returns what it checked, so a test can go on asserting, and fails
 * with an {@link AssertionFailedError} that lists every finding (reason code, file, byte offset,
 * message).
 *
 * <pre>{@code
 * ModelAssertions.assertAccepted(Path.of("models/encoder"));             // valid formats, no findings
 * ModelAssertions.assertRejected(Path.of("fixtures/evil.pt"), FormatReason.PICKLE_GLOBAL_NOT_ALLOWED);
 * try (VerifiedModel m = ModelAssertions.assertLoads(loaderWithPins, Path.of("models/encoder"))) {
 *   // every file proven and served
 * }
 * ModelAssertions.assertProven(loaderWithPinsAndKey, Path.of("models/encoder"), Technique.PIN, Technique.SIGNATURE);
 * }</pre>
 *
 * <p>Two levels, as in {@link SafeModelLoader}: the {@code assertAccepted}/{@code assertRejected}
 * pair scans (format validation and whatever proofs the loader carries, with no requirement that
 * provenance be proven, unless the loader's policy asks scans to apply it), the {@code
 * assertLoads}/{@code assertLoadRejected} pair loads (the strict rule that every served file is
 * proven as the policy's {@link dev.safeload.LoadPolicy#requiredProof()} says). {@code
 * assertProven} scans and asserts that each file carries proofs of the techniques a test names,
 * reading the proofs the loader's verifiers returned ({@link FileReport#proofs()}). The forms
 * without a loader use the format handlers on the class path and the policy of the project's policy
 * file ({@code safeload.json} in the test's working directory, under Maven the module directory, or
 * a parent up to the git repository root; {@link PolicyFile#find}), or the strict policy when there
 * is none; an invalid policy file, or one that lies inside the model checked, fails the assertion
 * with its message.
 *
 * <p>An I/O error (a path that does not exist, an unreadable directory) fails the assertion too: a
 * model that cannot be read is not a model that passed.
 */
public final class ModelAssertions {
  private ModelAssertions() {}

  /**
   * Scans {@code path} with the strict policy and the handlers on the class path and asserts that
   * every file was accepted.
   *
   * @return the report, for further assertions (formats, digests)
   */
  public static ScanReport assertAccepted(Path path) {
    return assertAccepted(defaultLoader(path), path);
  }

  /** Scans {@code path} with {@code loader} and asserts that every file was accepted. */
  public static ScanReport assertAccepted(SafeModelLoader loader, Path path) {
    ScanReport report = scan(loader, path);
    if (!report.accepted()) {
      throw new AssertionFailedError(describe(path, "expected to be accepted", report.findings()));
    }
    return report;
  }

  /**
   * Scans {@code path} with the strict policy and the handlers on the class path and asserts that
   * it was rejected with every given reason (others may be present too: a planted file, for
   * instance, is both unpinned and unproven).
   *
   * @return the report, for further assertions (which file, which offset)
   */
  public static ScanReport assertRejected(Path path, ReasonCode reason, ReasonCode... more) {
    return assertRejected(defaultLoader(path), path, reason, more);
  }

  /**
   * Scans {@code path} with {@code loader} and asserts that it was rejected with every given
   * reason.
   */
  public static ScanReport assertRejected(
      SafeModelLoader loader, Path path, ReasonCode reason, ReasonCode... more) {
    Set<ReasonCode> expected = reasons(reason, more);
    ScanReport report = scan(loader, path);
    if (report.accepted()) {
      throw new AssertionFailedError(
          path
              + ": expected to be rejected with "
              + codes(expected)
              + ", but every file was accepted");
    }
    requireReasons(path, expected, report.findings());
    return report;
  }

  /**
   * Loads {@code path} with {@code loader} (the strict rule: every file valid and proven) and
   * returns the open model; the caller closes it.
   */
  public static VerifiedModel assertLoads(SafeModelLoader loader, Path path) {
    Objects.requireNonNull(loader, "loader");
    try {
      return loader.load(path);
    } catch (ModelRejectedException e) {
      throw new AssertionFailedError(describe(path, "expected to load", e.findings()), e);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  /**
   * Loads {@code path} with {@code loader} and asserts that the load was refused with every given
   * reason, for instance {@code PIN_DIGEST_MISMATCH} for a tampered file.
   *
   * @return the exception, for further assertions
   */
  public static ModelRejectedException assertLoadRejected(
      SafeModelLoader loader, Path path, ReasonCode reason, ReasonCode... more) {
    Objects.requireNonNull(loader, "loader");
    Set<ReasonCode> expected = reasons(reason, more);
    VerifiedModel model;
    try {
      model = loader.load(path);
    } catch (ModelRejectedException e) {
      requireReasons(path, expected, e.findings());
      return e;
    } catch (IOException e) {
      throw unreadable(path, e);
    }
    model.close();
    throw new AssertionFailedError(
        path + ": expected the load to be refused with " + codes(expected) + ", but it loaded");
  }

  /**
   * The handlers on the class path with the policy file's policy for {@code path}, else the strict
   * one.
   */
  private static SafeModelLoader defaultLoader(Path path) {
    return defaultLoader(Path.of(""), path);
  }

  /** {@link #defaultLoader(Path)} with discovery from {@code workingDirectory} (tests). */
  static SafeModelLoader defaultLoader(Path workingDirectory, Path path) {
    Objects.requireNonNull(path, "path");
    Optional<Path> file;
    try {
      file = PolicyFile.find(workingDirectory, java.util.List.of(path));
    } catch (IllegalArgumentException e) {
      throw new AssertionFailedError("policy file refused: " + e.getMessage(), e);
    }
    if (file.isEmpty()) {
      return SafeModelLoader.builder().build();
    }
    try {
      return SafeModelLoader.builder().policy(LoadPolicy.load(file.get())).build();
    } catch (IOException e) {
      throw new AssertionFailedError(file.get() + ": cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new AssertionFailedError("invalid policy file " + e.getMessage(), e);
    }
  }

  /**
   * Scans {@code path} with {@code loader}, asserts that every file was accepted and that each one
   * is covered by a proof of every given technique (of any technique when none is given), and
   * returns the report. The proofs are the ones the loader's verifiers made; which techniques a
   * file lacks is decided by {@link ProofRequirement#missing}, the rule the loader itself applies.
   *
   * @return the report, whose {@link ScanReport#proofs()} say who signed and where from
   */
  public static ScanReport assertProven(
      SafeModelLoader loader, Path path, Technique... techniques) {
    ScanReport report = assertAccepted(loader, path);
    ProofRequirement required =
        techniques.length == 0
            ? ProofRequirement.anyProof()
            : ProofRequirement.allOf(
                techniques[0], java.util.Arrays.copyOfRange(techniques, 1, techniques.length));
    List<String> lacking = new ArrayList<>();
    for (FileReport f : report.files()) {
      Set<Technique> missing = required.missing(f.proofs());
      if (!missing.isEmpty()) {
        lacking.add(
            f.name()
                + ": no "
                + (techniques.length == 0 ? "proof" : missing + " proof")
                + (f.proofs().isEmpty() ? "" : "; proven by " + f.proofs()));
      }
    }
    if (report.files().isEmpty() || !lacking.isEmpty()) {
      StringBuilder sb =
          new StringBuilder()
              .append(path)
              .append(": expected every file to be proven (")
              .append(required)
              .append(")");
      if (report.files().isEmpty()) {
        sb.append(", but the model has no files");
      }
      lacking.forEach(l -> sb.append("\n  ").append(l));
      throw new AssertionFailedError(sb.toString());
    }
    return report;
  }

  private static ScanReport scan(SafeModelLoader loader, Path path) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(path, "path");
    try {
      return loader.scan(path);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  private static Set<ReasonCode> reasons(ReasonCode reason, ReasonCode... more) {
    Set<ReasonCode> all = new LinkedHashSet<>();
    all.add(Objects.requireNonNull(reason, "reason"));
    for (ReasonCode r : more) {
      all.add(Objects.requireNonNull(r, "reason"));
    }
    return all;
  }

  private static void requireReasons(Path path, Set<ReasonCode> expected, List<Finding> findings) {
    List<ReasonCode> missing = new ArrayList<>();
    for (ReasonCode r : expected) {
      if (findings.stream().noneMatch(f -> f.reason().equals(r))) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty()) {
      throw new AssertionFailedError(
          describe(
              path,
              "expected to be rejected with " + codes(expected) + ", missing " + codes(missing),
              findings));
    }
  }

  private static AssertionFailedError unreadable(Path path, IOException e) {
    return new AssertionFailedError(path + ": cannot be read: " + e, e);
  }

  private static String codes(Iterable<? extends ReasonCode> reasons) {
    List<String> out = new ArrayList<>();
    reasons.forEach(r -> out.add(r.code()));
    return String.join(", ", out);
  }

  /**
   * What to say about {@code UNKNOWN_FORMAT}. Only when no format handler can be found at all is
   * the class path the likely cause (the api without safeload-formats); otherwise the file is
   * simply not in any allowed format, and if it is not meant to be a model it should be left out or
   * served as opaque.
   */
  static String unknownFormatHint(boolean handlersFound) {
    if (!handlersFound) {
      return "(UNKNOWN_FORMAT: no format handler is on the test class path at all; add safeload-formats"
          + " (test scope), or the handler for this format)";
    }
    return "(UNKNOWN_FORMAT: the content is not in any allowed model format. If the file is not a model"
        + " (a model card, a licence), leave it out with \"ignore\" or serve it as \"opaque\" in safeload.json,"
        + " or choose the files with @ModelFiles' glob)";
  }

  /** The failure message: what was expected, then one line per finding. */
  private static String describe(Path path, String expectation, List<Finding> findings) {
    StringBuilder sb =
        new StringBuilder()
            .append(path)
            .append(": ")
            .append(expectation)
            .append("; ")
            .append(findings.size())
            .append(findings.size() == 1 ? " finding:" : " findings:");
    boolean unknown = false;
    for (Finding f : findings) {
      sb.append("\n  ").append(f);
      unknown |= f.reason() == Reason.UNKNOWN_FORMAT;
    }
    if (unknown) {
      sb.append('\n')
          .append(
              unknownFormatHint(ServiceLoader.load(FormatHandler.class).findFirst().isPresent()));
    }
    return sb.toString();
  }
}
