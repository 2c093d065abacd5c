package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Tensors;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipEntry;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.formats.pytorch.TorchScriptProfile;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@code torch.save} zip archive: {@code <root>/data.pkl}, {@code version}, {@code byteorder},
 * {@code data/<key>} and nothing else, all under the root folder named by the first
 * central-directory entry (as PyTorch's reader resolves it). Every persistent id names an existing
 * record of exactly the declared size, every record is referenced, and every record is stored, as
 * torch.save writes it and torch.load(mmap=True) reads it.
 */
public final class TorchZip {
  private TorchZip() {}

  /**
   * {@code data/(0|[1-9][0-9]{0,17})}, without a regex: one per record, and a checkpoint may hold
   * 100,000.
   */
  private static boolean isDataRecord(String rel) {
    int digits = rel.length() - 5;
    if (!rel.startsWith("data/")
        || digits < 1
        || digits > 18
        || (digits > 1 && rel.charAt(5) == '0')) {
      return false;
    }
    for (int i = 5; i < rel.length(); i++) {
      if (rel.charAt(i) < '0' || rel.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}\n?");
  private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}\n?");
  private static final Pattern SERIALIZATION_ID = Pattern.compile("[0-9]{1,64}\n?");

  /** Highest archive version a current PyTorch reads (kMaxSupportedFileFormatVersion). */
  private static final long MAX_VERSION = 10;

  /**
   * A checkpoint, or (when {@code torchScript} is given) a TorchScript archive judged by {@link
   * TorchScriptZip}.
   */
  public static ModelDescription validate(
      ModelBytes bytes,
      ZipLimits zipLimits,
      PickleProfile profile,
      @Nullable TorchScriptProfile torchScript,
      PickleLimits limits) {
    ZipArchive zip = ZipArchive.read(bytes, zipLimits);
    if (zip.entries().isEmpty()) {
      throw new FormatException(FormatReason.PYTORCH_MISSING_RECORD, 0, "empty archive");
    }
    String first = zip.entries().get(0).name();
    int slash = first.indexOf('/');
    if (slash <= 0) {
      throw new FormatException(
          FormatReason.PYTORCH_LAYOUT_INVALID,
          zip.entries().get(0).localHeaderOffset(),
          "the first entry '" + first + "' is not inside a root folder");
    }
    String root = first.substring(0, slash + 1);
    // TorchScript first: torch.load would hand such an archive to torch.jit.load (CVE-2025-32434),
    // so
    // it is judged as the program it is, never as a checkpoint.
    for (ZipEntry e : zip.entries()) {
      String rel = e.name().startsWith(root) ? e.name().substring(root.length()) : e.name();
      if (TorchScriptZip.marks(rel)) {
        if (torchScript == null) {
          throw new FormatException(
              FormatReason.PYTORCH_TORCHSCRIPT,
              e.localHeaderOffset(),
              "'"
                  + e.name()
                  + "' belongs to a TorchScript archive, admitted only under a program name (.pt, .pth):"
                  + " a checkpoint name promises weights and torch.load would run the program");
        }
        return TorchScriptZip.validate(zip, root, torchScript, limits, bytes.size());
      }
    }
    ZipEntry dataPkl = null;
    Map<Long, ZipEntry> records = new HashMap<>(zip.entries().size() * 4 / 3 + 1);
    String version = null;
    String byteOrder = "little";
    for (ZipEntry e : zip.entries()) {
      String rel = TorchArchive.relativeName(e, root);
      if (rel.equals("data.pkl")) {
        dataPkl = e;
      } else if (isDataRecord(rel)) {
        records.put(Long.parseLong(rel.substring(5)), e);
      } else if (rel.equals("version") || rel.equals(".data/version")) {
        String v = smallText(zip, e);
        if (!VERSION.matcher(v).matches()
            || Long.parseLong(v.trim()) < 1
            || Long.parseLong(v.trim()) > MAX_VERSION) {
          throw new FormatException(
              FormatReason.PYTORCH_RECORD_INVALID,
              e.dataOffset(),
              rel + " is not a supported version");
        }
        if (version != null && !version.equals(v.trim())) {
          throw new FormatException(
              FormatReason.PYTORCH_RECORD_INVALID, e.dataOffset(), "version records disagree");
        }
        version = v.trim();
      } else if (rel.equals("byteorder")) {
        String v = smallText(zip, e);
        if (!v.equals("little") && !v.equals("big")) {
          throw new FormatException(
              FormatReason.PYTORCH_RECORD_INVALID,
              e.dataOffset(),
              "byteorder is neither little nor big");
        }
        byteOrder = v;
      } else if (rel.equals(".data/serialization_id")
          || rel.equals(".format_version")
          || rel.equals(".storage_alignment")) {
        String v = smallText(zip, e);
        // torch 2.x writes the serialization id as two zero-padded 20-digit numbers (40 digits)
        if (!(rel.equals(".data/serialization_id") ? SERIALIZATION_ID : DIGITS)
            .matcher(v)
            .matches()) {
          throw new FormatException(
              FormatReason.PYTORCH_RECORD_INVALID, e.dataOffset(), rel + " is not decimal");
        }
      } else {
        throw new FormatException(
            FormatReason.PYTORCH_UNEXPECTED_RECORD,
            e.localHeaderOffset(),
            "'" + e.name() + "' is not a record torch.save writes");
      }
    }
    if (dataPkl == null) {
      throw new FormatException(FormatReason.PYTORCH_MISSING_RECORD, 0, "no " + root + "data.pkl");
    }
    if (version == null) {
      throw new FormatException(FormatReason.PYTORCH_MISSING_RECORD, 0, "no " + root + "version");
    }
    // A deflated data.pkl must be held in memory to run: bound it by the declared size before any
    // byte is inflated (verifyAll below inflates too), so a small archive cannot make us hold 1
    // GiB.
    long pickleLimit = TorchArchive.pickleCap(dataPkl, limits);
    if (dataPkl.uncompressedSize() > pickleLimit) {
      throw new FormatException(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          dataPkl.localHeaderOffset(),
          dataPkl.name()
              + " is "
              + dataPkl.uncompressedSize()
              + " bytes "
              + (dataPkl.isStored() ? "" : "once inflated ")
              + "(limit "
              + pickleLimit
              + (dataPkl.isStored() ? ", pickle.maxPickleBytes)" : ", pickle.maxInflatedBytes)"));
    }
    zip.verifyAll();
    // torch.save stores every data record. torch.load(mmap=True) (and readers built on
    // get_record_offset) slices a storage's bytes straight out of the file at the record's data
    // offset, never inflating them: a deflated record is its inflated bytes to one reader and its
    // compressed bytes, and whatever follows them, to the other.
    for (ZipEntry r : records.values()) {
      if (!r.isStored()) {
        throw new FormatException(
            FormatReason.PYTORCH_RECORD_COMPRESSED,
            r.localHeaderOffset(),
            "'"
                + r.name()
                + "' is deflated; torch.load(mmap=True) would read its compressed bytes as the"
                + " storage");
      }
    }
    Storages storages =
        new Storages(
            false,
            key -> {
              ZipEntry r = records.get(key);
              return r == null ? -1 : r.uncompressedSize();
            },
            Math.max(1, records.size()));
    PickleMachine.Result result = TorchArchive.runPickle(zip, dataPkl, profile, limits, storages);
    long[] budget = Checkpoint.sparseBudget(bytes.size());
    for (Value.SparseV sp : result.sparse()) {
      // Storages refused any key without a record (its size lookup), so every referenced key has
      // one.
      ZipEntry r =
          Objects.requireNonNull(records.get(Long.parseLong(sp.indices().storage().key())));
      if (r.uncompressedSize() > Integer.MAX_VALUE - 16) {
        throw new FormatException(
            FormatReason.PYTORCH_SPARSE_INDEX_INVALID,
            r.localHeaderOffset(),
            "sparse indices storage too large to check");
      }
      Checkpoint.checkSparse(
          sp,
          zip.storedData(r), // every data record is stored (checked above)
          byteOrder.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
          r.dataOffset(),
          budget);
    }
    TorchArchive.allUsed(records, storages);
    Map<String, Long> dataAt = new LinkedHashMap<>(storages.referenced().size() * 4 / 3 + 1);
    for (String key : storages.referenced().keySet()) {
      ZipEntry r = Objects.requireNonNull(records.get(Long.parseLong(key))); // as above
      dataAt.put(key, r.dataOffset());
    }
    return Checkpoint.describe(
        "zip",
        profile.name(),
        result.globals(),
        Tensors.find(result.value(), 16, 1_000_000),
        dataAt);
  }

  private static String smallText(ZipArchive zip, ZipEntry e) {
    return TorchArchive.smallText(zip, e, FormatReason.PYTORCH_RECORD_INVALID);
  }
}
