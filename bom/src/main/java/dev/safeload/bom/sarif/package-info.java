/**
 * SARIF 2.1.0 logs of safeload scans ({@link dev.safeload.bom.sarif.SarifLog}), shared by the CLI
 * and the Maven plugin so that both write the same rules, results and locations.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.bom.sarif;
