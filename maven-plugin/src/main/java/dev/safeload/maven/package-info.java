/**
 * The safeload Maven plugin: goal {@code safeload:verify}, bound to the {@code verify} phase, gates
 * a build on the model files the project declares. See {@link dev.safeload.maven.VerifyMojo}.
 */
@NullMarked
package dev.safeload.maven;

import org.jspecify.annotations.NullMarked;
