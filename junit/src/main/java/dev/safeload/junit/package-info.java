/**
 * JUnit support for model files: {@link dev.safeload.junit.ModelAssertions} checks one file or
 * model the way {@code scan} and {@code load} do and fails with every finding in the message;
 * {@link dev.safeload.junit.ModelFiles} runs a parameterized test once per model file in a
 * directory and {@link dev.safeload.junit.Models} once per model (file or model directory), so a
 * repository's models are gated by the same test run as its code.
 *
 * <p>Format handlers are found on the test class path as usual: add {@code safeload-formats} (test
 * scope) next to this module.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.junit;
