/**
 * The second readers safeload knows ({@link dev.safeload.spi.SecondReader}): what {@code tarfile},
 * {@code zipfile}, {@code pickle}, {@code numpy.load}, {@code joblib.load} and ONNX Runtime (given
 * bytes) would open in a file that a handler accepted as something else. Each looks at a bounded
 * part of the file and answers with what it would open.
 */
package dev.safeload.formats.readers;
