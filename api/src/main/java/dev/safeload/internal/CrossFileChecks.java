package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.ValidationContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 4: rules that span files. First the references' voice in a file's role: a file that no
 * handler recognised and whose name says nothing may be served as data that a valid file references
 * (ONNX external data), if the referring handler accepts it ({@link
 * FormatHandler#validateReferenced}) and no second reader would open it. Then each accepted file's
 * handler checks the whole model ({@link FormatHandler#validateModel}). Work is one map lookup per
 * reference.
 */
final class CrossFileChecks {
  private final LoadPolicy policy;
  private final FileValidation validation;

  CrossFileChecks(LoadPolicy policy, FileValidation validation) {
    this.policy = policy;
    this.validation = validation;
  }

  List<CheckedFile> apply(List<CheckedFile> files, boolean directory) {
    Map<String, CheckedFile> byName = new HashMap<>();
    files.forEach(f -> byName.put(f.name(), f));
    claimReferencedData(files, byName);
    for (Map.Entry<String, CheckedFile> e : byName.entrySet()) {
      CheckedFile f = e.getValue();
      if (f.unclaimed()) {
        // No file vouched for it: what its content said stands, or nothing recognised it at all.
        e.setValue(
            f.findings().isEmpty()
                ? f.with(
                    List.of(
                        new Finding(
                            Reason.UNKNOWN_FORMAT,
                            f.name(),
                            0,
                            "no handler recognises the content; "
                                + FileValidation.IF_NEVER_LOADED
                                + FileValidation.OR_OPAQUE)))
                : f.unclaim());
      }
    }
    ModelView view = new View(files.stream().map(CheckedFile::name).toList(), byName, directory);
    List<CheckedFile> out = new ArrayList<>();
    for (CheckedFile original : files) {
      CheckedFile f =
          Objects.requireNonNull(byName.get(original.name())); // every file has its entry
      if (f.accepted() && f.handler() != null) {
        List<Finding> more = new ArrayList<>();
        ValidationContext ctx = ValidationContext.collecting(f.name(), policy, more);
        FormatHandler handler = f.handler();
        CheckedFile self = f;
        HandlerRun.call(
            ctx,
            f.format() + " failed across files",
            () -> {
              handler.validateModel(self, view, ctx);
              return null;
            });
        f = f.with(more);
      }
      out.add(f);
    }
    return out;
  }

  /** Offers each unclaimed file to the first valid file (in name order) that references it. */
  private void claimReferencedData(List<CheckedFile> files, Map<String, CheckedFile> byName) {
    for (CheckedFile referrer : files) {
      if (!referrer.accepted() || referrer.handler() == null) {
        continue;
      }
      String dir = referrer.name().substring(0, referrer.name().lastIndexOf('/') + 1);
      for (String ref : referrer.description().references()) {
        String name = Engine.normaliseReference(dir + ref);
        CheckedFile target = byName.get(name);
        // Only a file whose name says nothing, or only an extension its format shares with raw
        // data (NameRoles.sharedWithData: .bin), can become data: a file the name gives a format
        // (model.gguf, modeling.py) was judged as that format, whoever references it.
        if (target != null && target.unclaimed()) {
          byName.put(name, claim(referrer, target));
        }
      }
    }
  }

  private CheckedFile claim(CheckedFile referrer, CheckedFile target) {
    List<Finding> findings = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting(target.name(), policy, findings);
    // Only accepted files with a handler refer to others (claimReferencedData).
    FormatHandler h = Objects.requireNonNull(referrer.handler(), "referrer without a handler");
    ModelDescription d =
        HandlerRun.call(
            ctx,
            h.id() + " failed on a referenced file",
            () -> h.validateReferenced(referrer, target.name(), target.bytes(), ctx));
    if (d == null || !findings.isEmpty()) {
      // Not data this referrer can vouch for: it stays unknown, with the referrer's reasons if any.
      return findings.isEmpty() ? target : target.with(findings).unclaim();
    }
    CheckedFile claimed = target.claimedAs(h, d);
    FileValidation.Outcome second =
        validation.secondReadings(
            target.name(),
            target.bytes(),
            new FileValidation.Outcome(h, d.format(), d, List.of(), false));
    return second.accepted() ? claimed : claimed.discarded(second.findings().get(0));
  }

  /** The model as handlers see it in {@link FormatHandler#validateModel}. */
  private record View(List<String> fileNames, Map<String, CheckedFile> byName, boolean isDirectory)
      implements ModelView {
    @Override
    public Optional<ValidatedFile> file(String name) {
      CheckedFile f = byName.get(name);
      return f != null && f.accepted() ? Optional.of(f) : Optional.empty();
    }
  }
}
