package dev.safeload.internal;

import dev.safeload.DeclaredLicense;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.spi.FileDescriber;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What an opaque file (served without a format claim) declares. A {@link FileDescriber} for its
 * base name (a model card's front matter) may add what the file declares; it never changes the
 * verdict, except that a declaration it cannot read is an unknown licence when the policy judges
 * licences.
 */
final class OpaqueFiles {
  private final LoadPolicy policy;
  private final List<FileDescriber> describers;

  OpaqueFiles(LoadPolicy policy, List<FileDescriber> describers) {
    this.policy = policy;
    this.describers = describers;
  }

  FileValidation.Outcome describe(String name, ModelBytes bytes) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    for (FileDescriber d : describers) {
      if (d.fileNames().stream().noneMatch(base::equalsIgnoreCase)) {
        continue;
      }
      List<Finding> ignored = new ArrayList<>();
      String failure;
      try {
        ModelDescription found =
            d.describe(bytes, ValidationContext.collecting(name, policy, ignored));
        List<DeclaredLicense> licenses =
            found.licenses().stream()
                .map(l -> new DeclaredLicense(l.expression(), name, l.field()))
                .toList();
        return new FileValidation.Outcome(
            null,
            FileValidation.OPAQUE,
            new ModelDescription(
                FileValidation.OPAQUE, List.of(), found.metadata(), List.of(), licenses),
            List.of(),
            false);
      } catch (FormatException e) {
        failure = e.getMessage();
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        failure = d.id() + " failed: " + e;
      }
      if (policy.checksLicenses()) {
        return new FileValidation.Outcome(
            null,
            FileValidation.OPAQUE,
            null,
            List.of(
                new Finding(
                    Reason.LICENSE_UNKNOWN,
                    name,
                    Finding.NO_OFFSET,
                    "what the file declares cannot be read: " + failure)),
            false);
      }
      break; // licences are only reported: the file stays what it was, opaque and undescribed
    }
    return FileValidation.opaque();
  }
}
