package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Stage 3b: what one file's bytes are, decided by its name's role and its content together, and the
 * handler's verdict on them. Runs on the bytes that were hashed (see {@link FileReading}).
 *
 * <p>In check order:
 * <ol>
 *   <li>A code name is refused ({@code CODE_FILE}).
 *   <li>Every handler looks at the head ({@link FormatHandler#detect}); a handler that throws is a
 *       {@code HANDLER_ERROR}.
 *   <li>A name claimed by handlers is validated by the one whose content detection is strongest
 *       (several equally strong: exactly one may validate). If it fails and another handler
 *       recognises the content, the name and content disagree ({@code EXTENSION_MISMATCH}) and the
 *       content's handler gives its own verdict too. If it passes, any other handler that recognises
 *       the content with {@link Confidence#STRONG} or more and also validates it is a second reading
 *       ({@code POLYGLOT}).
 *   <li>A name that claims nothing: the strongest content detection decides (ties: exactly one may
 *       validate, else {@code AMBIGUOUS_FORMAT}); its extension must be one the handler lists. No
 *       detection: an opaque name is served as {@code opaque}; any other file waits for a reference
 *       from another file ({@link CrossFileChecks}) or is {@code UNKNOWN_FORMAT}.
 *   <li>Every accepted file is shown to every {@link SecondReader} not of its own format: one that
 *       would open it is a {@code POLYGLOT}.
 * </ol>
 * Any exception or {@link Error} a handler throws ends as a finding: fail closed.
 */
final class FileValidation {
  /** Bytes of a file shown to {@link FormatHandler#detect}. */
  static final int HEAD_BYTES = 64 * 1024;
  /** The format reported for a file served without a format claim. */
  static final String OPAQUE = "opaque";

  /**
   * A file's verdict.
   *
   * @param handler     the handler whose format the file is, or null
   * @param format      the format id ("" if none; {@value #OPAQUE} for an opaque file)
   * @param description the handler's description if it accepted the file
   * @param unclaimed   no handler recognised the content and the name says nothing: the file may still
   *                    be claimed as data that another file references
   */
  record Outcome(@Nullable FormatHandler handler, String format, @Nullable ModelDescription description,
      List<Finding> findings, boolean unclaimed) {
    boolean accepted() {
      return findings.isEmpty() && description != null;
    }
  }

  private final LoadPolicy policy;
  private final List<FormatHandler> handlers;
  private final List<SecondReader> readers;

  FileValidation(LoadPolicy policy, List<FormatHandler> handlers, List<SecondReader> readers) {
    this.policy = policy;
    this.handlers = handlers;
    this.readers = readers;
  }

  Outcome validate(String name, ModelBytes bytes, NameRoles.Role role) {
    List<Finding> findings = new ArrayList<>();
    if (role instanceof NameRoles.Code code) {
      findings.add(new Finding(Reason.CODE_FILE, name, Finding.NO_OFFSET,
          "'." + code.extension() + "' names code that a loader may import or execute"));
      return new Outcome(null, "", null, findings, false);
    }
    Map<FormatHandler, Confidence> seen = new java.util.LinkedHashMap<>();
    ByteBuffer head = bytes.slice(0, (int) Math.min(HEAD_BYTES, bytes.size()));
    for (FormatHandler h : handlers) {
      Confidence c;
      try {
        c = h.detect(head.duplicate().order(ByteOrder.LITTLE_ENDIAN), bytes.size());
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
        findings.add(new Finding(e instanceof OutOfMemoryError ? Reason.RESOURCE_EXHAUSTED : Reason.HANDLER_ERROR,
            name, Finding.NO_OFFSET, h.id() + " failed to detect: " + e));
        return new Outcome(null, "", null, findings, false);
      }
      if (c != null && c != Confidence.NONE) {
        seen.put(h, c);
      }
    }
    Outcome outcome = role instanceof NameRoles.Claimed claimed
        ? byName(name, bytes, claimed, seen)
        : byContent(name, bytes, role, seen);
    return outcome.accepted() ? secondReadings(name, bytes, outcome) : outcome;
  }

  private Outcome byName(String name, ModelBytes bytes, NameRoles.Claimed claimed,
      Map<FormatHandler, Confidence> seen) {
    // A handler validates only what its own detection recognised: validate() may rely on detect().
    List<FormatHandler> strongest = strongest(claimed.handlers(), seen, false);
    if (strongest.isEmpty()) {
      strongest = claimed.handlers().stream().filter(FormatHandler::validatesByNameAlone).toList();
    }
    Outcome named = strongest.isEmpty() ? null
        : strongest.size() == 1 ? run(name, bytes, strongest.get(0))
        : exactlyOne(name, bytes, strongest, "the name '" + claimed.match() + "' and the content");
    String says = claimed.handlers().stream().map(FormatHandler::id).sorted().toList().toString();
    if (named == null || !named.accepted()) {
      List<FormatHandler> others = new ArrayList<>(contentHandlers(seen));
      others.removeAll(claimed.handlers());
      List<FormatHandler> content = strongest(others, seen, false);
      // The content speaks against the name when the name's handlers did not recognise it, or when
      // another handler recognises it more surely than they did.
      boolean contentWins = content.size() == 1 && (named == null
          || (named.handler() != null && seen.getOrDefault(content.get(0), Confidence.NONE).compareTo(seen.getOrDefault(named.handler(), Confidence.NONE)) > 0));
      if (contentWins) {
        Outcome asContent = run(name, bytes, content.get(0));
        List<Finding> all = new ArrayList<>();
        all.add(new Finding(Reason.EXTENSION_MISMATCH, name, Finding.NO_OFFSET,
            "content is " + content.get(0).id() + " but the name ('" + claimed.match() + "') says "
                + says));
        all.addAll(asContent.findings());
        return new Outcome(content.get(0), content.get(0).id(), null, all, false);
      }
      if (named == null) {
        return new Outcome(null, "", null, List.of(new Finding(Reason.UNKNOWN_FORMAT, name, 0,
            "the name ('" + claimed.match() + "') says " + says
                + ", but no handler recognises the content")), false);
      }
      return named;
    }
    for (Map.Entry<FormatHandler, Confidence> e : seen.entrySet()) {
      FormatHandler other = e.getKey();
      if (claimed.handlers().contains(other) || other.extensions().isEmpty()
          || e.getValue().compareTo(Confidence.STRONG) < 0) {
        continue;
      }
      if (run(name, bytes, other).accepted()) {
        return rejected(named, new Finding(Reason.POLYGLOT, name, 0, "valid as "
            + named.format() + " (its name) and as " + other.id() + " (its content): two readings"));
      }
    }
    return named;
  }

  private Outcome byContent(String name, ModelBytes bytes, NameRoles.Role role,
      Map<FormatHandler, Confidence> seen) {
    List<FormatHandler> strongest = strongest(contentHandlers(seen), seen, false);
    if (strongest.isEmpty()) {
      if (role instanceof NameRoles.Opaque) {
        return opaque();
      }
      if (role instanceof NameRoles.UnreadFormat unread) {
        return new Outcome(null, "", null, List.of(new Finding(Reason.UNKNOWN_FORMAT, name, 0,
            "no handler recognises the content; the name says '." + unread.extension()
                + "', a format safeload does not read")), false);
      }
      return new Outcome(null, "", null, List.of(), true);
    }
    Outcome outcome = strongest.size() == 1
        ? run(name, bytes, strongest.get(0))
        : exactlyOne(name, bytes, strongest, "the content");
    FormatHandler h = outcome.handler();
    if (!outcome.accepted() && role instanceof NameRoles.Opaque) {
      // What looked like a format did not validate as one; the name asks for opaque bytes.
      return opaque();
    }
    String ext = Engine.extension(name);
    List<Finding> all = new ArrayList<>();
    if (h != null && !h.extensions().contains(ext) && policy.allowedFormats().contains(h.id())) {
      all.add(new Finding(Reason.EXTENSION_MISMATCH, name, Finding.NO_OFFSET,
          "content is " + h.id() + " but the name ends in '" + (ext.isEmpty() ? "" : "." + ext)
              + "'; expected one of " + new java.util.TreeSet<>(h.extensions())));
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

  /**
   * The detections that may speak for content. A handler that lists no extension (vocab.txt,
   * merges.txt) is reached only through its names: text in a file of another name is not a
   * vocabulary because it could be read as one.
   */
  private static List<FormatHandler> contentHandlers(Map<FormatHandler, Confidence> seen) {
    return seen.keySet().stream().filter(h -> !h.extensions().isEmpty()).toList();
  }

  private static Outcome opaque() {
    return new Outcome(null, OPAQUE, ModelDescription.empty(OPAQUE), List.of(), false);
  }

  /**
   * The handlers among {@code candidates} with the highest detected confidence. If none of them
   * detects anything: all of them when {@code claimedByName} (a name claims them), else none.
   */
  private static List<FormatHandler> strongest(List<FormatHandler> candidates,
      Map<FormatHandler, Confidence> seen, boolean claimedByName) {
    Confidence best = Confidence.NONE;
    for (FormatHandler h : candidates) {
      Confidence c = seen.getOrDefault(h, Confidence.NONE);
      if (c.compareTo(best) > 0) {
        best = c;
      }
    }
    if (best == Confidence.NONE) {
      return claimedByName ? candidates : List.of();
    }
    Confidence top = best;
    return candidates.stream().filter(h -> seen.getOrDefault(h, Confidence.NONE) == top).toList();
  }

  /** Validates with each candidate; exactly one may accept. */
  private Outcome exactlyOne(String name, ModelBytes bytes, List<FormatHandler> all, String what) {
    // A handler the policy refuses cannot speak for the file while an allowed one can.
    List<FormatHandler> allowed = all.stream().filter(h -> policy.allowedFormats().contains(h.id())).toList();
    List<FormatHandler> candidates = allowed.isEmpty() ? all : allowed;
    if (candidates.size() == 1) {
      return run(name, bytes, candidates.get(0));
    }
    List<Outcome> accepted = new ArrayList<>();
    Outcome first = null;
    for (FormatHandler h : candidates) {
      Outcome o = run(name, bytes, h);
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
    return new Outcome(null, "", null, List.of(new Finding(Reason.AMBIGUOUS_FORMAT, name, 0,
        what + " read as each of " + candidates.stream().map(FormatHandler::id).sorted().toList())),
        false);
  }

  /** One handler's verdict, with the policy's allowlist applied first. */
  Outcome run(String name, ModelBytes bytes, FormatHandler handler) {
    List<Finding> findings = new ArrayList<>();
    if (!policy.allowedFormats().contains(handler.id())) {
      findings.add(new Finding(Reason.FORMAT_NOT_ALLOWED, name, 0,
          "format " + handler.id() + " is not allowed by the policy"));
      return new Outcome(handler, handler.id(), null, findings, false);
    }
    FileContext ctx = new FileContext(name, policy, findings);
    ModelDescription d = callHandler(ctx, handler.id() + " failed", () -> {
      ModelDescription v = handler.validate(bytes, ctx);
      if (v == null) {
        throw new IllegalStateException(handler.id() + " returned no description");
      }
      return v;
    });
    return new Outcome(handler, handler.id(), findings.isEmpty() ? d : null, List.copyOf(findings), false);
  }

  /** Asks every second reader not of the file's own format whether it would open the bytes. */
  Outcome secondReadings(String name, ModelBytes bytes, Outcome outcome) {
    for (SecondReader r : readers) {
      if (r.formats().contains(outcome.format())) {
        continue;
      }
      String opens;
      try {
        opens = r.opens(bytes);
      } catch (RuntimeException | StackOverflowError e) {
        return rejected(outcome, new Finding(Reason.HANDLER_ERROR, name, Finding.NO_OFFSET,
            "second reader " + r.id() + " failed: " + e));
      }
      if (opens != null) {
        return rejected(outcome, new Finding(Reason.POLYGLOT, name, 0, "accepted as "
            + (outcome.format().isEmpty() ? "data" : outcome.format()) + ", but " + r.id()
            + " would open " + opens));
      }
    }
    return outcome;
  }

  private static Outcome rejected(Outcome o, Finding f) {
    return new Outcome(o.handler(), o.format(), null, List.of(f), false);
  }

  /**
   * Runs handler code: a {@link FormatException} becomes its finding, any other failure a finding too
   * (fail closed: a crashing handler never lets a file through, and never ends the run without a
   * report).
   */
  static <T> @Nullable T callHandler(FileContext ctx, String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    } catch (OutOfMemoryError e) {
      ctx.report(Reason.RESOURCE_EXHAUSTED, Finding.NO_OFFSET, what + ": out of memory");
    } catch (RuntimeException | StackOverflowError e) {
      ctx.report(Reason.HANDLER_ERROR, Finding.NO_OFFSET, what + ": " + e);
    } catch (LinkageError | AssertionError e) {
      ctx.report(Reason.HANDLER_ERROR, Finding.NO_OFFSET, what + ": " + e);
    }
    return null;
  }
}
