package dev.safeload.spark;

import dev.safeload.ReasonCode;

/**
 * The reasons the registry scan itself reports, beside the engine's and the handlers' codes: a
 * model that could not be scanned at all still gets a row with one of these, so nothing the scan
 * discovered is missing from the inventory. Codes are stable: never renamed, removed or given
 * another meaning.
 */
public enum SparkReason implements ReasonCode {
  /** Listing or opening the model through its file system failed (gone, permission, network). */
  MODEL_UNREADABLE("The model could not be listed or opened through its file system."),
  /** The scan of one model threw inside its Spark task; the task itself still completed. */
  SCAN_FAILED("Scanning the model failed unexpectedly inside its Spark task.");

  private final String description;

  SparkReason(String description) {
    this.description = description;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public String description() {
    return description;
  }
}
