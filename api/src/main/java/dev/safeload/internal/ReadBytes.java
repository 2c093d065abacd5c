package dev.safeload.internal;

import dev.safeload.provenance.Sha256;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one file as read (and, for the copying modes, copied) in one pass, with their digest.
 *
 * @param bytes       the bytes validation will see and the application will get
 * @param sha256      digest of exactly those bytes
 * @param privateCopy the private file holding them, for {@code PRIVATE_FILE}
 */
record ReadBytes(ChunkedBytes bytes, Sha256 sha256, @Nullable Path privateCopy) {}
