/** PyTorch checkpoint layouts: the torch.save zip archive and the legacy stacked-pickle file. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.torch;
