package dev.safeload.formats.safetensors;

import dev.safeload.formats.internal.safetensors.SafetensorsHeader;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

/**
 * Validates safetensors files (id {@code safetensors}, extension {@code .safetensors}) with a
 * strict profile: every rule of the reference implementation plus the ones that close its parser
 * differentials (duplicate keys, unknown entry fields, leading whitespace, non-integer numbers) and
 * caps on everything a header can declare. The header is parsed in place, without copying it. See
 * {@code SafetensorsHeader} in the internal package for the rules in order; each has its own {@code
 * SAFETENSORS_*} reason code.
 *
 * <p>No depth setting is needed: the parser follows the header's schema, so nesting never exceeds
 * three levels; a deeper value is rejected with the code of the field it appears in ({@code
 * SAFETENSORS_SHAPE_INVALID}, {@code SAFETENSORS_METADATA_INVALID}, ...).
 *
 * <p>The description lists every tensor with its absolute file offset ({@code 8 + N + begin}) and
 * length, and {@code __metadata__} as metadata.
 */
public final class SafetensorsHandler implements FormatHandler {

  /**
   * Header lengths accepted by {@link #detect}: the header must lie in the first 1 GiB buffer. A
   * length above the policy cap but below this is still detected, so that validation can name it
   * precisely ({@code SAFETENSORS_HEADER_TOO_LARGE}).
   */
  private static final long DETECT_MAX_HEADER = (1L << 30) - 8;

  public SafetensorsHandler() {}

  @Override
  public String id() {
    return "safetensors";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("safetensors");
  }

  /**
   * {@link Confidence#STRONG} when bytes 0-7 give a length N below 1 GiB and byte 8 is <code>&#123;
   * </code> or JSON whitespace. Bytes 4-7 must then be zero, which no text format and no other
   * binary model format starts with. A whitespace-led header, and a header that runs past the end
   * of the file (a truncated download), are detected on purpose so that validation rejects them
   * with their own precise codes rather than as an unknown format.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    if (fileSize < 10 || head.remaining() < 9) {
      return Confidence.NONE;
    }
    long n = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(head.position());
    if (n < 2 || n > DETECT_MAX_HEADER) {
      return Confidence.NONE;
    }
    int b = head.get(head.position() + 8);
    return b == '{' || b == ' ' || b == '\t' || b == '\n' || b == '\r'
        ? Confidence.STRONG
        : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    SafetensorsHeader header = SafetensorsHeader.parse(bytes, limits(context));
    // A plain "license" key, and the one Stability AI's ModelSpec defines.
    return new ModelDescription(
        id(),
        header.tensors(),
        header.metadata(),
        List.of(),
        dev.safeload.formats.internal.modelcard.Licenses.from(
            header.metadata(),
            context.fileName(),
            new String[] {"license", "__metadata__.license"},
            new String[] {"modelspec.license", "__metadata__.modelspec.license"}));
  }

  static SafetensorsHeader.Limits limits(ValidationContext c) {
    return new SafetensorsHeader.Limits(
        c.limit(Safetensors.MAX_HEADER_BYTES),
        c.limit(Safetensors.MAX_TENSORS),
        c.limit(Safetensors.MAX_RANK),
        c.limit(Safetensors.MAX_NAME_BYTES),
        c.limit(Safetensors.MAX_METADATA_ENTRIES),
        c.limit(Safetensors.MAX_METADATA_BYTES));
  }
}
