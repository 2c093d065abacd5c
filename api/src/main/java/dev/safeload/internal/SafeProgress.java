package dev.safeload.internal;

import dev.safeload.ProgressListener;
import java.lang.System.Logger.Level;

/**
 * Reports one file's progress to the application's listener; a failing listener is silenced, never
 * fatal.
 */
final class SafeProgress {
  private final ProgressListener listener;
  private final String file;
  private final long size;
  private boolean failed;

  SafeProgress(ProgressListener listener, String file, long size) {
    this.listener = listener;
    this.file = file;
    this.size = size;
  }

  void at(long bytesRead) {
    if (failed || listener == ProgressListener.NONE) {
      return;
    }
    try {
      listener.bytesRead(file, bytesRead, size);
    } catch (RuntimeException e) {
      failed = true;
      System.getLogger("dev.safeload")
          .log(Level.WARNING, "progress listener failed; ignoring it", e);
    }
  }
}
