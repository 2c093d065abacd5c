package dev.safeload.spark;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The inventory a {@link RegistryScan} produces: one row per file of every model (and one per
 * model-level finding), written as Parquet under {@code OUT/inventory}. Rows hold no timestamp and
 * are a pure function of the model bytes and the {@link ScanOptions}: a rerun over unchanged models
 * gives identical rows.
 *
 * <table>
 *   <caption>Columns</caption>
 *   <tr><th>column</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>model</td><td>string</td><td>the model's qualified URI (a directory or a file)</td></tr>
 *   <tr><td>file</td><td>string, null</td><td>the file's name inside the model ({@code /}-separated);
 *       null on a row about the model as a whole</td></tr>
 *   <tr><td>size</td><td>long, null</td><td>bytes read; null if the file could not be read</td></tr>
 *   <tr><td>sha256</td><td>string, null</td><td>lower-case hex SHA-256 of the bytes read</td></tr>
 *   <tr><td>format</td><td>string, null</td><td>the handler id of the detected format</td></tr>
 *   <tr><td>verdict</td><td>string</td><td>{@value #ACCEPTED}, {@value #REJECTED}, {@value #ERROR}
 *       or {@value #IGNORED} (see {@link #verdict})</td></tr>
 *   <tr><td>findings</td><td>array of struct(code, message, offset)</td><td>every finding; offset
 *       null when not tied to a byte</td></tr>
 *   <tr><td>proofs</td><td>array of struct(verifier, technique, signer_kind, signer, issuer,
 *       source)</td><td>the proofs covering the file</td></tr>
 * </table>
 */
public final class Inventory {
  /** Every check passed. */
  public static final String ACCEPTED = "accepted";

  /** A check failed: the file or model must not be loaded. */
  public static final String REJECTED = "rejected";

  /**
   * The file or model could not be judged (an I/O error, a failed task): not loadable either, but a
   * rerun may give a verdict.
   */
  public static final String ERROR = "error";

  /** Present but left out by an ignore pattern of the policy: neither read nor served. */
  public static final String IGNORED = "ignored";

  /** Codes that mean "could not be judged" rather than "judged and refused". */
  static final Set<String> ERROR_CODES =
      Set.of(
          Reason.IO_ERROR.code(),
          Reason.SOURCE_CHANGED.code(),
          Reason.RESOURCE_EXHAUSTED.code(),
          Reason.VERIFIER_ERROR.code(),
          SparkReason.MODEL_UNREADABLE.code(),
          SparkReason.SCAN_FAILED.code());

  /** A finding. */
  public static final StructType FINDING =
      new StructType()
          .add("code", DataTypes.StringType, false)
          .add("message", DataTypes.StringType, false)
          .add("offset", DataTypes.LongType, true);

  /** A proof covering the file. */
  public static final StructType PROOF =
      new StructType()
          .add("verifier", DataTypes.StringType, false)
          .add("technique", DataTypes.StringType, false)
          .add("signer_kind", DataTypes.StringType, true)
          .add("signer", DataTypes.StringType, true)
          .add("issuer", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, true);

  /** The inventory's schema. */
  public static final StructType SCHEMA =
      new StructType()
          .add("model", DataTypes.StringType, false)
          .add("file", DataTypes.StringType, true)
          .add("size", DataTypes.LongType, true)
          .add("sha256", DataTypes.StringType, true)
          .add("format", DataTypes.StringType, true)
          .add("verdict", DataTypes.StringType, false)
          .add("findings", DataTypes.createArrayType(FINDING, false), false)
          .add("proofs", DataTypes.createArrayType(PROOF, false), false);

  private Inventory() {}

  /**
   * The verdict of a file or model with these findings: {@value #ACCEPTED} if there are none,
   * {@value #ERROR} if any says it could not be read or judged ({@code IO_ERROR}, {@code
   * SOURCE_CHANGED}, {@code RESOURCE_EXHAUSTED}, {@code VERIFIER_ERROR}, {@link SparkReason}), else
   * {@value #REJECTED}.
   */
  public static String verdict(List<Finding> findings) {
    if (findings.isEmpty()) {
      return ACCEPTED;
    }
    for (Finding f : findings) {
      ReasonCode r = f.reason();
      if (ERROR_CODES.contains(r.code())) {
        return ERROR;
      }
    }
    return REJECTED;
  }
}
