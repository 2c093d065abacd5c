/**
 * A strict, random-access zip reader of our own, shared by every zip-based format (PyTorch, .npz,
 * and later .keras). {@code java.util.zip} is not used for container parsing: its readers disagree
 * with the loaders that matter (miniz, CPython) on duplicates, local headers and hidden entries.
 *
 * <p>Internal API: {@link dev.safeload.formats.internal.zip.ZipArchive#read} parses and
 * cross-checks the whole container up front and yields {@link
 * dev.safeload.formats.internal.zip.ZipEntry} records (name, offsets, sizes, method, CRC); {@link
 * dev.safeload.formats.internal.zip.ZipArchive#open} gives a verified stream of one entry's data
 * (stored or deflate, CRC and size checked at the end, bomb limits enforced while inflating). Extra
 * fields are allowlisted and parsed strictly ({@code ExtraFields}); entry names are bounded in
 * length and in combining-mark runs before they are normalised for the collision check ({@code
 * NameIndex}), so that all container work is linear in the file size.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.zip;
