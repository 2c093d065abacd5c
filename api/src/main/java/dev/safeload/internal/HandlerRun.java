package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How the engine calls handler code: one handler's verdict on one file with the policy's allowlist
 * applied first, and the fail-closed wrapper every call into a handler goes through.
 */
final class HandlerRun {
  private final LoadPolicy policy;

  HandlerRun(LoadPolicy policy) {
    this.policy = policy;
  }

  /**
   * One handler's verdict: {@code FORMAT_NOT_ALLOWED} if the policy does not allow its format, else
   * what {@link FormatHandler#validate} reports. A handler that returns no description has failed.
   */
  FileValidation.Outcome run(String name, ModelBytes bytes, FormatHandler handler) {
    List<Finding> findings = new ArrayList<>();
    if (!policy.allowedFormats().contains(handler.id())) {
      findings.add(
          new Finding(
              Reason.FORMAT_NOT_ALLOWED,
              name,
              0,
              "format " + handler.id() + " is not allowed by the policy"));
      return new FileValidation.Outcome(handler, handler.id(), null, findings, false);
    }
    ValidationContext ctx = ValidationContext.collecting(name, policy, findings);
    ModelDescription d =
        call(
            ctx,
            handler.id() + " failed",
            () -> {
              ModelDescription v = handler.validate(bytes, ctx);
              if (v == null) {
                throw new IllegalStateException(handler.id() + " returned no description");
              }
              return v;
            });
    return new FileValidation.Outcome(
        handler, handler.id(), findings.isEmpty() ? d : null, List.copyOf(findings), false);
  }

  /**
   * Runs handler code: a {@link FormatException} becomes its finding, any other failure a finding
   * too (fail closed: a crashing handler never lets a file through, and never ends the run without
   * a report). Returns null when the call failed.
   */
  static <T> @Nullable T call(ValidationContext ctx, String what, Supplier<T> call) {
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
