package dev.safeload.internal;

import dev.safeload.DeclaredLicense;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stage 4b: the licence policy ({@link LoadPolicy.Builder#allowLicenses}), over the licences the
 * accepted files declare. Nothing happens unless the policy names licences. In check order:
 *
 * <ol>
 *   <li>each declaration on its own: one that is not a readable SPDX expression is {@code
 *       LICENSE_UNKNOWN} on its file, one outside the list {@code LICENSE_NOT_ALLOWED} on its file;
 *       two files that declare different licences are both judged, so both must be allowed;
 *   <li>a model in which no accepted file declares a licence at all is {@code LICENSE_UNKNOWN} for
 *       the model as a whole.
 * </ol>
 *
 * A model card whose front matter could not be read was already given {@code LICENSE_UNKNOWN} by
 * {@link FileValidation}, which saw the failure.
 */
final class LicenseChecks {
  private final LoadPolicy policy;
  private final Set<String> allowed = new LinkedHashSet<>();

  LicenseChecks(LoadPolicy policy) {
    this.policy = policy;
    for (String e : policy.allowedLicenses()) {
      LicenseExpression.Node n = LicenseExpression.parse(e);
      if (n != null) { // the builder refused any other
        allowed.add(n.canonical());
      }
    }
  }

  /** The files with their licence findings, and the model-level finding if there is one. */
  record Result(List<CheckedFile> files, List<Finding> modelFindings) {}

  Result apply(List<CheckedFile> files) {
    if (!policy.checksLicenses()) {
      return new Result(files, List.of());
    }
    List<CheckedFile> out = new ArrayList<>();
    boolean declared = false;
    boolean unreadable = false;
    for (CheckedFile f : files) {
      List<Finding> more = new ArrayList<>();
      if (f.desc() != null) {
        for (DeclaredLicense l : f.desc().licenses()) {
          declared = true;
          LicenseExpression.Node n = LicenseExpression.parse(l.expression());
          if (n == null) {
            more.add(
                new Finding(
                    Reason.LICENSE_UNKNOWN,
                    f.name(),
                    Finding.NO_OFFSET,
                    l.field()
                        + " declares '"
                        + printable(l.expression())
                        + "', which is not an SPDX licence expression"));
          } else if (!LicenseExpression.allowed(n, allowed)) {
            more.add(
                new Finding(
                    Reason.LICENSE_NOT_ALLOWED,
                    f.name(),
                    Finding.NO_OFFSET,
                    l.field()
                        + " declares "
                        + printable(l.expression())
                        + ", not one of "
                        + policy.allowedLicenses()));
          }
        }
      }
      unreadable |= f.findings().stream().anyMatch(x -> x.reason() == Reason.LICENSE_UNKNOWN);
      out.add(f.with(more));
    }
    List<Finding> model =
        declared || unreadable
            ? List.of()
            : List.of(
                new Finding(
                    Reason.LICENSE_UNKNOWN,
                    null,
                    Finding.NO_OFFSET,
                    "no file declares a licence; the policy allows " + policy.allowedLicenses()));
    return new Result(out, model);
  }

  /** At most 80 characters, control characters replaced: a declaration is file content. */
  static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder();
    cut.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return b.toString();
  }
}
