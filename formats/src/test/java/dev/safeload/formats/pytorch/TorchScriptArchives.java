package dev.safeload.formats.pytorch;

import dev.safeload.formats.Scans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: a TorchScript fixture's members, edited and written back as a zip (members stored).
 */
public final class TorchScriptArchives {
  private final String root;
  private final Map<String, byte[]> members = new LinkedHashMap<>();

  private TorchScriptArchives(String root) {
    this.root = root;
  }

  /** Reads {@code torchscript/<name>.pt}; member names are kept relative to the root folder. */
  public static TorchScriptArchives fixture(String name) {
    return read(Scans.resource("torchscript/" + name + ".pt"), name);
  }

  /** Reads an archive whose members sit under the folder {@code root}. */
  public static TorchScriptArchives read(java.nio.file.Path file, String root) {
    TorchScriptArchives a = new TorchScriptArchives(root + "/");
    // torch's writer sets the data-descriptor flag on stored entries, which ZipInputStream refuses
    try (ZipFile z = new ZipFile(file.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        try (java.io.InputStream in = z.getInputStream(e)) {
          a.members.put(e.getName().substring(a.root.length()), in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return a;
  }

  public String text(String member) {
    return new String(members.get(member), StandardCharsets.UTF_8);
  }

  public byte[] bytes(String member) {
    return members.get(member);
  }

  /** Replaces (or adds at the end) a member. */
  public TorchScriptArchives put(String member, byte[] content) {
    members.put(member, content);
    return this;
  }

  public TorchScriptArchives put(String member, String content) {
    return put(member, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces a code file and drops its debug record (whose ranges no longer fit). */
  public TorchScriptArchives code(String member, String text) {
    members.remove(member + ".debug_pkl");
    return put(member, text);
  }

  /** Replaces text inside a member, which must contain it. */
  public TorchScriptArchives replace(String member, String from, String to) {
    String t = text(member);
    if (!t.contains(from)) {
      throw new IllegalArgumentException(member + " lacks " + from);
    }
    return code(member, t.replace(from, to));
  }

  public TorchScriptArchives remove(String member) {
    members.remove(member);
    return this;
  }

  public byte[] write() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipEntry e = new ZipEntry(root + m.getKey());
        e.setMethod(ZipEntry.STORED);
        CRC32 crc = new CRC32();
        crc.update(m.getValue());
        e.setCrc(crc.getValue());
        e.setSize(m.getValue().length);
        e.setCompressedSize(m.getValue().length);
        e.setTime(315532800000L);
        z.putNextEntry(e);
        z.write(m.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
