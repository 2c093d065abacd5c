/** The NumPy .npy header grammar and array size rules, shared by .npy files and .npz members. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.numpy;
