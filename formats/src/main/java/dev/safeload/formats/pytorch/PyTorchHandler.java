package dev.safeload.formats.pytorch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.torch.TorchLegacy;
import dev.safeload.formats.internal.torch.TorchZip;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * PyTorch checkpoints: the {@code torch.save} zip archive (read with safeload's strict zip reader,
 * {@code data.pkl} run through the pickle machine under {@link PyTorch#PROFILE}, storages checked
 * against their records), the legacy stacked-pickle file, and the pre-0.1.10 tar format (always
 * rejected, as {@code torch.load(weights_only=True)} does). TorchScript archives ({@code
 * torch.jit.save}) are admitted only when their {@code code/} calls nothing but operators {@link
 * PyTorch#TORCHSCRIPT} lists as compute and their pickles agree with the code; the legacy and
 * mobile TorchScript forms are rejected.
 */
public final class PyTorchHandler implements FormatHandler {
  private static final Set<String> LEGACY_TAR_MEMBERS =
      Set.of("sys_info", "pickle", "storages", "tensors");

  @Override
  public String id() {
    return "pytorch";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("pt", "pth", "bin", "ckpt");
  }

  /**
   * {@code .bin} is shared: Hugging Face names checkpoints {@code pytorch_model.bin}, ONNX names
   * external data so.
   */
  @Override
  public Set<String> exclusiveExtensions() {
    return Set.of("pt", "pth", "ckpt");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    if (TorchLegacy.matches(head.duplicate()) || isLegacyTar(head)) {
      return Confidence.MAGIC;
    }
    // torch.save writes <root>/data.pkl first; numpy claims *.npy members, anything else falls to
    // the
    // archive-wrapper handler as an unknown zip.
    return ZipArchive.firstLocalName(head)
            .filter(n -> !n.endsWith(".npy") && (n.indexOf('/') > 0 || n.endsWith(".pkl")))
            .isPresent()
        ? Confidence.MAGIC
        : Confidence.NONE;
  }

  /**
   * Whether the name may hold a TorchScript program: {@code .pt} and {@code .pth}, what {@code
   * torch.jit.save} users and DJL's PyTorch engine use. A checkpoint name ({@code
   * pytorch_model.bin}, {@code *.ckpt}) promises weights: its readers call {@code torch.load},
   * which hands a TorchScript archive to {@code torch.jit.load} (CVE-2025-32434), so there a
   * program is refused whatever its code does — content and role must agree.
   */
  static boolean programName(String fileName) {
    String lower = fileName.toLowerCase(java.util.Locale.ROOT);
    return lower.endsWith(".pt") || lower.endsWith(".pth");
  }

  /** A ustar archive whose first member is one of the legacy checkpoint's members. */
  static boolean isLegacyTar(ByteBuffer head) {
    ByteBuffer h = head.duplicate();
    int p = h.position();
    if (h.remaining() < 512
        || h.get(p + 257) != 'u'
        || h.get(p + 258) != 's'
        || h.get(p + 259) != 't'
        || h.get(p + 260) != 'a'
        || h.get(p + 261) != 'r') {
      return false;
    }
    int n = 0;
    while (n < 100 && h.get(p + n) != 0) {
      n++;
    }
    byte[] name = new byte[n];
    h.get(p, name);
    return LEGACY_TAR_MEMBERS.contains(new String(name, StandardCharsets.US_ASCII));
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    ByteBuffer head = bytes.slice(0, (int) Math.min(bytes.size(), 1024));
    PickleLimits limits = PickleLimits.from(context);
    if (ZipArchive.looksLikeZip(head)) {
      return TorchZip.validate(
          bytes,
          ZipLimits.from(context),
          context.setting(PyTorch.PROFILE),
          programName(context.fileName()) ? context.setting(PyTorch.TORCHSCRIPT) : null,
          limits);
    }
    if (TorchLegacy.matches(head)) {
      return TorchLegacy.validate(bytes, context.setting(PyTorch.PROFILE), limits);
    }
    if (isLegacyTar(head)) {
      throw new FormatException(
          FormatReason.PYTORCH_LEGACY_TAR,
          0,
          "the legacy tar checkpoint format is refused (as torch.load(weights_only=True) does)");
    }
    throw new FormatException(FormatReason.PYTORCH_LEGACY_INVALID, 0, "not a PyTorch checkpoint");
  }
}
