package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FileDescriber;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.SecondReader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Stage 3b: what one file's bytes are, decided by its name's role and its content together, and the
 * handler's verdict on them. Runs on the bytes that were hashed (see {@link FileReading}).
 *
 * <p>In check order:
 *
 * <ol>
 *   <li>A code name is refused ({@code CODE_FILE}).
 *   <li>Every handler looks at the head ({@link FormatHandler#detect}); a handler that throws is a
 *       {@code HANDLER_ERROR}.
 *   <li>A name claimed by handlers is validated by the one whose content detection is strongest
 *       (several equally strong: exactly one may validate). If it fails and another handler
 *       recognises the content, the name and content disagree ({@code EXTENSION_MISMATCH}) and the
 *       content's handler gives its own verdict too. If it passes, any other handler that
 *       recognises the content with {@link Confidence#STRONG} or more and also validates it is a
 *       second reading ({@code POLYGLOT}).
 *   <li>A name that claims nothing: the strongest content detection decides (ties: exactly one may
 *       validate, else {@code AMBIGUOUS_FORMAT}); its extension must be one the handler lists. An
 *       opaque name is served as {@code opaque} when no handler detects the content, or when the
 *       content only looked like a format (below {@link Confidence#MAGIC}) and did not validate as
 *       it; a magic number's failed validation stands. Any other undetected file waits for a
 *       reference from another file ({@link CrossFileChecks}) or is {@code UNKNOWN_FORMAT}.
 *   <li>Every accepted file is shown to every {@link SecondReader} not of its own format: one that
 *       would open it is a {@code POLYGLOT} ({@link SecondReadings}).
 * </ol>
 *
 * Any exception or {@link Error} a handler throws ends as a finding: fail closed ({@link
 * HandlerRun}).
 */
final class FileValidation {
  /** The format reported for a file served without a format claim. */
  static final String OPAQUE = "opaque";

  /**
   * The next step, in the message of every refusal that only says safeload cannot judge a file: its
   * format is one safeload does not read, its name says code, or nothing recognises its content. A
   * Hugging Face repository carries many files an application never loads (other frameworks'
   * weights, training scripts, the LFS attributes, the licence); ignoring one is always safe, since
   * an ignored file is neither read nor served and the patterns are recorded in the proofs. Spelt
   * once, here, with the names the CLI, the policy file and {@code LoadPolicy} give the mechanism.
   */
  static final String IF_NEVER_LOADED =
      "if the application never loads it, ignore it (--ignore, safeload.json \"ignore\","
          + " LoadPolicy ignoreFiles)";

  /** Second half when an opaque pattern would not help: the name speaks (code, a format). */
  static final String NEVER_SERVED_AS_OPAQUE = "; the name rules out serving it as opaque";

  /** Second half when the name says nothing, so an opaque pattern serves the file unjudged. */
  static final String OR_OPAQUE =
      "; to serve it unjudged (a licence, a model card, an image), mark it opaque (--opaque,"
          + " opaqueFiles)";

  /**
   * A file's verdict.
   *
   * @param handler the handler whose format the file is, or null
   * @param format the format id ("" if none; {@value #OPAQUE} for an opaque file)
   * @param description the handler's description if it accepted the file
   * @param unclaimed no handler recognised the content and the name says nothing, or only an
   *     extension its handlers share with raw data ({@link NameRoles#sharedWithData}): the file may
   *     still be claimed as data that another file references
   */
  record Outcome(
      @Nullable FormatHandler handler,
      String format,
      @Nullable ModelDescription description,
      List<Finding> findings,
      boolean unclaimed) {
    boolean accepted() {
      return findings.isEmpty() && description != null;
    }

    /**
     * A refusal that no handler's format explains: no handler, no format, no description, and not
     * waiting for a reference from another file.
     */
    static Outcome refused(List<Finding> findings) {
      return new Outcome(null, "", null, findings, false);
    }

    /** {@link #refused} with an {@code UNKNOWN_FORMAT} finding for the whole file. */
    static Outcome unknownFormat(String name, String message) {
      return refused(List.of(new Finding(Reason.UNKNOWN_FORMAT, name, 0, message)));
    }
  }

  private final LoadPolicy policy;
  private final List<FormatHandler> handlers;
  private final HandlerRun calls;
  private final SecondReadings secondReadings;
  private final OpaqueFiles opaqueFiles;

  FileValidation(LoadPolicy policy, List<FormatHandler> handlers, List<SecondReader> readers) {
    this(policy, handlers, readers, List.of());
  }

  FileValidation(
      LoadPolicy policy,
      List<FormatHandler> handlers,
      List<SecondReader> readers,
      List<FileDescriber> describers) {
    this.policy = policy;
    this.handlers = handlers;
    this.calls = new HandlerRun(policy);
    this.secondReadings = new SecondReadings(readers, calls);
    this.opaqueFiles = new OpaqueFiles(policy, describers);
  }

  Outcome validate(String name, ModelBytes bytes, NameRoles.Role role) {
    List<Finding> findings = new ArrayList<>();
    if (role instanceof NameRoles.Code code) {
      findings.add(
          new Finding(
              Reason.CODE_FILE,
              name,
              Finding.NO_OFFSET,
              "'."
                  + code.extension()
                  + "' names code that a loader may import or execute; "
                  + IF_NEVER_LOADED
                  + NEVER_SERVED_AS_OPAQUE));
      return Outcome.refused(findings);
    }
    Detection detection = Detection.of(name, bytes, handlers, findings);
    if (detection == null) {
      return Outcome.refused(findings);
    }
    Outcome outcome =
        role instanceof NameRoles.Claimed claimed
            ? byName(name, bytes, claimed, detection)
            : byContent(name, bytes, role, detection);
    return outcome.accepted() ? secondReadings.byReaders(name, bytes, outcome) : outcome;
  }

  /**
   * The second readers' verdict on a file accepted some other way (data a valid file references).
   */
  Outcome secondReadings(String name, ModelBytes bytes, Outcome outcome) {
    return secondReadings.byReaders(name, bytes, outcome);
  }

  private Outcome byName(
      String name, ModelBytes bytes, NameRoles.Claimed claimed, Detection detection) {
    // A handler validates only what its own detection recognised: validate() may rely on detect().
    List<FormatHandler> strongest = detection.strongest(claimed.handlers());
    if (strongest.isEmpty()) {
      strongest = claimed.handlers().stream().filter(FormatHandler::validatesByNameAlone).toList();
    }
    Outcome named =
        strongest.isEmpty()
            ? null
            : strongest.size() == 1
                ? calls.run(name, bytes, strongest.get(0))
                : exactlyOne(
                    name, bytes, strongest, "the name '" + claimed.match() + "' and the content");
    String says = claimed.handlers().stream().map(FormatHandler::id).sorted().toList().toString();
    if (named == null || !named.accepted()) {
      List<FormatHandler> others = new ArrayList<>(detection.contentHandlers());
      others.removeAll(claimed.handlers());
      List<FormatHandler> content = detection.strongest(others);
      // The content speaks against the name when the name's handlers did not recognise it, or when
      // another handler recognises it more surely than they did.
      boolean contentWins =
          content.size() == 1
              && (named == null
                  || (named.handler() != null
                      && detection.of(content.get(0)).compareTo(detection.of(named.handler()))
                          > 0));
      if (contentWins) {
        Outcome asContent = calls.run(name, bytes, content.get(0));
        List<Finding> all = new ArrayList<>();
        all.add(
            new Finding(
                Reason.EXTENSION_MISMATCH,
                name,
                Finding.NO_OFFSET,
                "content is "
                    + content.get(0).id()
                    + " but the name ('"
                    + claimed.match()
                    + "') says "
                    + says));
        all.addAll(asContent.findings());
        return new Outcome(content.get(0), content.get(0).id(), null, all, false);
      }
      if (named == null) {
        Finding unknown =
            new Finding(
                Reason.UNKNOWN_FORMAT,
                name,
                0,
                "the name ('"
                    + claimed.match()
                    + "') says "
                    + says
                    + ", but no handler recognises the content; "
                    + IF_NEVER_LOADED
                    + NEVER_SERVED_AS_OPAQUE);
        // An extension its handlers share with raw data (.bin): a valid file may still reference
        // it as data; this refusal stands only if none does (CrossFileChecks).
        return new Outcome(
            null, "", null, List.of(unknown), NameRoles.sharedWithData(claimed, name));
      }
      return named;
    }
    Finding second =
        secondReadings.byOtherHandlers(name, bytes, named, claimed.handlers(), detection);
    return second == null ? named : SecondReadings.rejected(named, second);
  }

  private Outcome byContent(
      String name, ModelBytes bytes, NameRoles.Role role, Detection detection) {
    List<FormatHandler> strongest = detection.strongest(detection.contentHandlers());
    if (strongest.isEmpty()) {
      if (role instanceof NameRoles.Opaque) {
        return opaque(name, bytes);
      }
      if (role instanceof NameRoles.UnreadFormat unread) {
        return Outcome.unknownFormat(
            name,
            "no handler recognises the content; the name says '."
                + unread.extension()
                + "', a format safeload does not read; "
                + IF_NEVER_LOADED
                + NEVER_SERVED_AS_OPAQUE);
      }
      return new Outcome(null, "", null, List.of(), true);
    }
    Outcome outcome =
        strongest.size() == 1
            ? calls.run(name, bytes, strongest.get(0))
            : exactlyOne(name, bytes, strongest, "the content");
    FormatHandler h = outcome.handler();
    if (!outcome.accepted()
        && role instanceof NameRoles.Opaque
        && detection.of(strongest.get(0)).compareTo(Confidence.MAGIC) < 0) {
      // What only looked like a format did not validate as one; the name asks for opaque bytes. A
      // magic number is different: its format's readers open the file whatever its name
      // (joblib.load
      // inflates a zlib- or gzip-wrapped pickle named model.sav), so its refusal stands.
      return opaque(name, bytes);
    }
    String ext = Engine.extension(name);
    List<Finding> all = new ArrayList<>();
    if (h != null && !h.extensions().contains(ext) && policy.allowedFormats().contains(h.id())) {
      all.add(
          new Finding(
              Reason.EXTENSION_MISMATCH,
              name,
              Finding.NO_OFFSET,
              "content is "
                  + h.id()
                  + " but the name ends in '"
                  + (ext.isEmpty() ? "" : "." + ext)
                  + "'; expected one of "
                  + new java.util.TreeSet<>(h.extensions())
                  // A format safeload does not read, holding another (rust_model.ot: tch's torch
                  // archive): the application reads it with that other format's loader, if at all.
                  + (role instanceof NameRoles.UnreadFormat
                      ? "; " + IF_NEVER_LOADED + NEVER_SERVED_AS_OPAQUE
                      : "")));
    }
    all.addAll(outcome.findings()); // the report also says whether the content itself is sound
    // Content that only looked like a format may still be data another file references; these
    // findings stand only if no valid file vouches for it (CrossFileChecks).
    if (all.isEmpty()) {
      return outcome;
    }
    boolean unclaimed = h != null && !outcome.accepted() && role instanceof NameRoles.Silent;
    return new Outcome(h, h == null ? "" : h.id(), null, all, unclaimed);
  }

  private Outcome opaque(String name, ModelBytes bytes) {
    return opaqueFiles.describe(name, bytes);
  }

  static Outcome opaque() {
    return new Outcome(null, OPAQUE, ModelDescription.empty(OPAQUE), List.of(), false);
  }

  /** Validates with each candidate; exactly one may accept. */
  private Outcome exactlyOne(String name, ModelBytes bytes, List<FormatHandler> all, String what) {
    // A handler the policy refuses cannot speak for the file while an allowed one can.
    List<FormatHandler> allowed =
        all.stream().filter(h -> policy.allowedFormats().contains(h.id())).toList();
    List<FormatHandler> candidates = allowed.isEmpty() ? all : allowed;
    if (candidates.size() == 1) {
      return calls.run(name, bytes, candidates.get(0));
    }
    List<Outcome> accepted = new ArrayList<>();
    Outcome first = null;
    for (FormatHandler h : candidates) {
      Outcome o = calls.run(name, bytes, h);
      first = first == null ? o : first;
      if (o.accepted()) {
        accepted.add(o);
      }
    }
    if (accepted.size() == 1) {
      return accepted.get(0);
    }
    if (accepted.isEmpty() && first != null) {
      return first;
    }
    return Outcome.refused(
        List.of(
            new Finding(
                Reason.AMBIGUOUS_FORMAT,
                name,
                0,
                what
                    + " read as each of "
                    + candidates.stream().map(FormatHandler::id).sorted().toList())));
  }
}
