/**
 * The ONNX format handler ({@link dev.safeload.formats.onnx.OnnxHandler}) and the settings it
 * reads.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.onnx;
