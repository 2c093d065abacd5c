/**
 * TorchScript archives ({@code torch.jit.save}): a strict, linear-time parser of the serialised
 * Python subset in {@code code/}, the operator check against a {@code TorchScriptProfile}, and the
 * archive reader that ties the code to {@code data.pkl} and {@code constants.pkl}.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.torchscript;
