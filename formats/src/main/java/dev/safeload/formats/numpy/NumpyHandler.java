package dev.safeload.formats.numpy;

import dev.safeload.Reason;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.numpy.NpyHeader;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipEntry;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.formats.pickle.Pickle;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NumPy {@code .npy} arrays and {@code .npz} archives of them. Fixed dtypes (including structured
 * dtypes without object fields, which {@code np.load(allow_pickle=False)} loads): the header is
 * parsed with a strict grammar ({@link NpyHeader}) and the data must be exactly shape x itemsize
 * bytes. Object dtype ({@code |O}, {@code |O8}, or a structured dtype with an object field): the
 * data is a pickle, analysed under {@link Pickle#PROFILE} (which admits no numpy globals by
 * default, so object arrays are rejected unless a profile says otherwise). An {@code .npz} passes
 * the strict zip reader and every member is a valid {@code *.npy}.
 */
public final class NumpyHandler implements FormatHandler {

  @Override
  public String id() {
    return "numpy";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("npy", "npz");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    ByteBuffer h = head.duplicate();
    if (h.remaining() >= 6) {
      boolean npy = true;
      for (int i = 0; i < 6; i++) {
        npy &= h.get(h.position() + i) == NpyHeader.MAGIC[i];
      }
      if (npy) {
        return Confidence.MAGIC;
      }
    }
    return ZipArchive.firstLocalName(h).filter(n -> n.endsWith(".npy")).isPresent()
        ? Confidence.MAGIC
        : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    ByteBuffer head = bytes.slice(0, (int) Math.min(bytes.size(), 8));
    List<TensorInfo> tensors = new ArrayList<>();
    Map<String, String> meta = new LinkedHashMap<>();
    if (ZipArchive.looksLikeZip(head)) {
      ZipArchive zip = ZipArchive.read(bytes, ZipLimits.from(context));
      for (ZipEntry e : zip.entries()) {
        if (!e.name().endsWith(".npy")) {
          throw new FormatException(
              FormatReason.NUMPY_NPZ_MEMBER_INVALID,
              e.localHeaderOffset(),
              "'" + e.name() + "' is not an .npy member");
        }
        // numpy.load's NpzFile looks a key up as a member name first: the key of k.npy.npy is
        // k.npy, which reads the member k.npy, so k.npy.npy is never read under its own key.
        String key = e.name().substring(0, e.name().length() - 4);
        if (zip.entry(key).isPresent()) {
          throw new FormatException(
              FormatReason.NUMPY_NPZ_MEMBER_INVALID,
              e.localHeaderOffset(),
              "the key of '"
                  + e.name()
                  + "' is the member '"
                  + key
                  + "', which numpy reads instead");
        }
      }
      for (ZipEntry e : zip.entries()) {
        try (InputStream in = zip.open(e)) {
          tensors.add(member(e, in, context));
        } catch (IOException ex) {
          throw new FormatException(
              FormatReason.ZIP_DEFLATE_INVALID, e.dataOffset(), ex.toString());
        }
      }
      meta.put("numpy.container", "npz");
    } else {
      try (InputStream in = bytes.openStream(0)) {
        tensors.add(array("", 0, in, context, bytes.size()));
      } catch (IOException ex) {
        throw new FormatException(Reason.IO_ERROR, 0, ex.toString());
      }
      meta.put("numpy.container", "npy");
    }
    return new ModelDescription(id(), tensors, meta, List.of());
  }

  private TensorInfo member(ZipEntry e, InputStream in, ValidationContext context)
      throws IOException {
    String name = e.name().substring(0, e.name().length() - 4);
    return array(name, e.isStored() ? e.dataOffset() : -1, in, context, e.uncompressedSize());
  }

  /**
   * One array read from {@code in} (which must be consumed to its end so that zip CRCs are
   * checked).
   *
   * @param fileOffset where the array's bytes start in the file, or -1 inside a compressed member
   */
  private TensorInfo array(
      String name, long fileOffset, InputStream in, ValidationContext context, long total)
      throws IOException {
    long base = Math.max(0, fileOffset);
    byte[] pre = readUpTo(in, NpyHeader.PREAMBLE_MIN);
    int[] p = NpyHeader.preamble(pre, context.limit(NumPy.MAX_HEADER_BYTES));
    int preamble = p[1];
    int headerLen = p[2];
    if (total < (long) preamble + headerLen) {
      throw new FormatException(
          FormatReason.NUMPY_HEADER_INVALID, base, "header runs past the data");
    }
    byte[] header = new byte[headerLen];
    int have = Math.min(headerLen, pre.length - preamble);
    System.arraycopy(pre, preamble, header, 0, Math.max(0, have));
    byte[] rest = readUpTo(in, headerLen - Math.max(0, have));
    if (rest.length != headerLen - Math.max(0, have)) {
      throw new FormatException(FormatReason.NUMPY_HEADER_INVALID, base, "truncated header");
    }
    System.arraycopy(rest, 0, header, Math.max(0, have), rest.length);
    NpyHeader h =
        NpyHeader.parse(
            p[0],
            preamble,
            header,
            new NpyHeader.Limits(
                context.limit(NumPy.MAX_RANK),
                context.limit(NumPy.MAX_ARRAY_BYTES),
                context.limit(NumPy.MAX_DTYPE_DEPTH),
                context.limit(NumPy.MAX_DTYPE_FIELDS)));
    long dataAt = base + h.dataOffset();
    long extraInPre =
        pre.length - preamble - headerLen; // bytes of data already read with the preamble
    long remaining = total - h.dataOffset();
    if (h.object()) {
      PickleLimits limits = PickleLimits.from(context);
      // A deflated member is held to the inflate limit, as a checkpoint's data.pkl is: a small .npz
      // must
      // not make us allocate what its declared size claims.
      long limit =
          fileOffset < 0
              ? Math.min(limits.maxPickleBytes(), limits.maxInflatedBytes())
              : limits.maxPickleBytes();
      if (remaining > limit) {
        throw new FormatException(
            FormatReason.PICKLE_LIMIT_EXCEEDED,
            dataAt,
            "object array pickle of "
                + remaining
                + " bytes is over the limit of "
                + limit
                + (fileOffset < 0 ? " (pickle.maxInflatedBytes)" : " (pickle.maxPickleBytes)"));
      }
      // Grows with the bytes really read (a deflated member may declare more than it holds).
      java.io.ByteArrayOutputStream collected = new java.io.ByteArrayOutputStream();
      if (extraInPre > 0) {
        collected.write(pre, preamble + headerLen, (int) extraInPre);
      }
      in.transferTo(collected);
      byte[] pickle = collected.toByteArray();
      if (pickle.length != remaining) {
        throw new FormatException(
            FormatReason.NUMPY_DATA_TRUNCATED, dataAt, "object array data changed size");
      }
      PickleProfile profile = context.setting(Pickle.PROFILE);
      PickleMachine.Result r =
          PickleMachine.run(ByteBuffer.wrap(pickle), dataAt, profile, limits, null);
      if (r.end() != pickle.length) {
        throw new FormatException(
            FormatReason.PICKLE_TRAILING_BYTES, dataAt + r.end(), "bytes follow the object pickle");
      }
      return new TensorInfo(name, h.descr(), h.shape(), dataAt, remaining);
    }
    if (remaining < h.dataBytes()) {
      throw new FormatException(
          FormatReason.NUMPY_DATA_TRUNCATED,
          dataAt,
          remaining + " bytes of data, shape x itemsize is " + h.dataBytes());
    }
    if (remaining > h.dataBytes()) {
      throw new FormatException(
          FormatReason.NUMPY_TRAILING_BYTES,
          dataAt + h.dataBytes(),
          (remaining - h.dataBytes()) + " bytes follow the array data");
    }
    // Drain the stream so that zip members are CRC-checked; .npy data needs no further parsing.
    byte[] buf = new byte[64 * 1024];
    long seen = Math.max(0, extraInPre);
    for (int n; (n = in.read(buf)) >= 0; ) {
      seen += n;
    }
    if (seen != h.dataBytes()) {
      throw new FormatException(
          FormatReason.NUMPY_DATA_TRUNCATED, dataAt, "array data changed size");
    }
    return new TensorInfo(name, h.descr(), h.shape(), dataAt, h.dataBytes());
  }

  private static byte[] readUpTo(InputStream in, int n) throws IOException {
    return in.readNBytes(n);
  }
}
