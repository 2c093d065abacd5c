/**
 * The plugin's work without Maven types, so that it is tested as plain code: which paths the
 * configured patterns name ({@link dev.safeload.maven.internal.ModelPaths}), the scan or
 * verification of each ({@link dev.safeload.maven.internal.Gate}) and the SARIF report ({@link
 * dev.safeload.maven.internal.SarifWriter}).
 */
@NullMarked
package dev.safeload.maven.internal;

import org.jspecify.annotations.NullMarked;
