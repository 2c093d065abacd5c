/**
 * Registry-scale scans on Apache Spark: every model under a Hadoop {@code FileSystem} URI is
 * scanned by {@link dev.safeload.SafeModelLoader} in a Spark task of its own, giving an inventory
 * ({@link dev.safeload.spark.Inventory}, written as Parquet), a CycloneDX and an SPDX AI-BOM per
 * model, and incident queries against a revocation feed ({@link dev.safeload.spark.Incident}).
 *
 * <p>Entry points: {@link dev.safeload.spark.RegistryScan} (Java API and the {@code spark-submit}
 * main class) and {@link dev.safeload.spark.ScanOptions}.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.spark;
