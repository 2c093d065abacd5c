/** NumPy .npy and .npz files: the handler and its settings. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.numpy;
