/**
 * A bounded protobuf wire-format reader over {@link dev.safeload.spi.ModelBytes}, without generated
 * code. Not exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.protobuf;
