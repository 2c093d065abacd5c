package dev.safeload.internal;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What a task on another thread threw, surfaced on the thread that waits for it as if it had been
 * thrown there: the engine's per-file tasks and the copy's writer both report a failed read or
 * write with the very exception (and so the very reason code) the waiting thread would have raised
 * itself.
 */
final class TaskFailures {
  private TaskFailures() {}

  /**
   * Throws {@code cause} if it is unchecked; returns it if it is an {@link IOException}, for the
   * caller to {@code throw}; wraps anything else (a checked exception no task declares).
   */
  static IOException rethrow(@Nullable Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("a task on another thread failed", cause);
  }
}
