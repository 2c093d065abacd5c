package dev.safeload.formats.internal.zip;

/**
 * One entry of a validated archive. Central directory and local header agreed on every field listed
 * here.
 *
 * @param name the entry name (validated: relative, no {@code ..}, no backslash)
 * @param index position in the central directory, from 0
 * @param localHeaderOffset offset of the local header in the file
 * @param dataOffset offset of the first (compressed) data byte
 * @param compressedSize bytes of data as stored
 * @param uncompressedSize bytes after decompression (equal to compressedSize for stored entries)
 * @param method 0 (stored) or 8 (deflate)
 * @param crc32 the CRC-32 recorded in the central directory
 * @param flags the general-purpose flags (equal in both headers)
 * @param endOffset offset just past the entry's data and data descriptor
 */
public record ZipEntry(
    String name,
    int index,
    long localHeaderOffset,
    long dataOffset,
    long compressedSize,
    long uncompressedSize,
    int method,
    int crc32,
    int flags,
    long endOffset) {

  /** Method value for stored (uncompressed) entries. */
  public static final int STORED = 0;

  /** Method value for deflate-compressed entries. */
  public static final int DEFLATED = 8;

  /** Whether the entry's data lies uncompressed in the file, at {@link #dataOffset()}. */
  public boolean isStored() {
    return method == STORED;
  }
}
