/** ONNX validation: the schema table, the model walker and external-data rules. Not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.onnx;
