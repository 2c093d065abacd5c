package dev.safeload.verify.signing;

import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.dsse.Pae;
import dev.safeload.verify.internal.intoto.OmsManifest;
import dev.safeload.verify.internal.json.JsonText;
import dev.safeload.verify.internal.x509.Keys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Signs a model directory or file as an OpenSSF Model Signing v1.0 bundle (files serialization, or
 * shards with {@link #shardSize}; SHA-256), in key mode or certificate mode. The output has the
 * same structure, field by field, as the reference implementation's {@code model.sig}; any OMS
 * verifier (ours included) accepts it.
 *
 * <pre>{@code
 * ModelSigner.withKey(privateKey, publicKey).signTo(Path.of("models/llama"));  // writes models/llama/model.sig
 * }</pre>
 *
 * Symbolic links, and the signature file itself, are never signed.
 *
 * <p>{@link #ignoreFiles} leaves files out of the signature ({@link dev.safeload.FileGlob}
 * patterns, gitignore meaning). The manifest records what was left out twice: the paths the
 * patterns matched, in OMS {@code serialization.ignore_paths} (literal paths, which every OMS
 * verifier honours), and the patterns themselves with {@link #opaqueFiles} patterns in safeload's
 * own predicate field {@code "safeload": {"ignore": [...], "opaque": [...]}} (written only when a
 * list is non-empty; other OMS verifiers ignore unknown predicate fields). Opaque files are signed
 * like any other file; the pattern tells a safeload verifier to serve them without a format claim.
 */
public final class ModelSigner {
  private static final List<String> DEFAULT_IGNORES =
      List.of(".git", ".gitattributes", ".github", ".gitignore");

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final List<X509Certificate> chain;
  private final String signatureFile;
  private final List<String> ignore;
  private final List<String> opaque;

  /** The shard size of a shards manifest, or 0 for the files serialization. */
  private final long shardSize;

  private ModelSigner(
      PrivateKey privateKey,
      PublicKey publicKey,
      List<X509Certificate> chain,
      String signatureFile,
      List<String> ignore,
      List<String> opaque,
      long shardSize) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.chain = List.copyOf(chain);
    this.signatureFile = signatureFile;
    this.ignore = List.copyOf(ignore);
    this.opaque = List.copyOf(opaque);
    this.shardSize = shardSize;
  }

  /** Key mode: verifiers configured with {@code publicKey} accept the signature. */
  public static ModelSigner withKey(PrivateKey privateKey, PublicKey publicKey) {
    return new ModelSigner(
        Objects.requireNonNull(privateKey),
        Objects.requireNonNull(publicKey),
        List.of(),
        TrustPolicy.DEFAULT_SIGNATURE_FILE,
        List.of(),
        List.of(),
        0);
  }

  /**
   * Certificate mode: {@code chain} is leaf first, without the root; the leaf holds the public key.
   */
  public static ModelSigner withCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "a certificate chain needs at least the signing certificate");
    }
    return new ModelSigner(
        Objects.requireNonNull(privateKey),
        chain.get(0).getPublicKey(),
        chain,
        TrustPolicy.DEFAULT_SIGNATURE_FILE,
        List.of(),
        List.of(),
        0);
  }

  /**
   * Key mode from a PEM private key ({@code PRIVATE KEY} or {@code EC PRIVATE KEY}; EC
   * P-256/384/521 or Ed25519); the public key is derived from it.
   */
  public static ModelSigner withKey(Path privateKeyPem) throws IOException {
    java.security.KeyPair kp = readKeyPair(privateKeyPem);
    return withKey(kp.getPrivate(), kp.getPublic());
  }

  /** Certificate mode from PEM files: the private key and the chain (leaf first, no root). */
  public static ModelSigner withCertificate(Path privateKeyPem, Path chainPem) throws IOException {
    try {
      return withCertificate(
          readKeyPair(privateKeyPem).getPrivate(),
          dev.safeload.verify.internal.x509.Certs.parsePem(
              Files.readString(chainPem, StandardCharsets.US_ASCII),
              VerifyReason.SIGNATURE_CERT_CHAIN_INVALID));
    } catch (SignatureVerificationException e) {
      throw new IOException(chainPem + ": " + e.getMessage(), e);
    }
  }

  private static java.security.KeyPair readKeyPair(Path pem) throws IOException {
    try {
      return dev.safeload.verify.internal.x509.PrivateKeys.fromPem(
          Files.readString(pem, StandardCharsets.US_ASCII));
    } catch (SignatureVerificationException e) {
      throw new IOException(pem + ": " + e.getMessage(), e);
    }
  }

  /** Uses another signature file name (default {@value TrustPolicy#DEFAULT_SIGNATURE_FILE}). */
  public ModelSigner signatureFile(String name) {
    return new ModelSigner(privateKey, publicKey, chain, name, ignore, opaque, shardSize);
  }

  /**
   * Leaves files matching these patterns out of the signature, in addition to the git files and the
   * signature file, and records both the patterns and the paths they matched (see the class
   * comment).
   *
   * @throws IllegalArgumentException if a pattern is invalid ({@link dev.safeload.FileGlob#of})
   */
  public ModelSigner ignoreFiles(String... globs) {
    return new ModelSigner(
        privateKey,
        publicKey,
        chain,
        signatureFile,
        withPatterns(ignore, globs),
        opaque,
        shardSize);
  }

  /**
   * Records patterns of opaque files: they are signed as usual, and a safeload verifier serves them
   * with format {@code opaque} instead of requiring a handler to judge them.
   *
   * @throws IllegalArgumentException if a pattern is invalid
   */
  public ModelSigner opaqueFiles(String... globs) {
    return new ModelSigner(
        privateKey,
        publicKey,
        chain,
        signatureFile,
        ignore,
        withPatterns(opaque, globs),
        shardSize);
  }

  /**
   * Signs consecutive ranges of {@code bytes} bytes of every file instead of whole files (OMS
   * {@code shards} serialization: resources {@code path:start:end}, algorithm {@code
   * sha256-sharded-N}). A verifier then checks each range, and safeload's loader hashes the ranges
   * of a file in parallel without computing its whole-file digest, so one large file verifies on
   * every core. The shards of all files are hashed in parallel when signing too.
   *
   * <p>OMS lists no shard for an empty file, so a verifier could not tell it from an unsigned one:
   * {@link #sign} refuses a model with an empty file in this mode.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public ModelSigner shardSize(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the shard size must be positive, got " + bytes);
    }
    return new ModelSigner(privateKey, publicKey, chain, signatureFile, ignore, opaque, bytes);
  }

  private static List<String> withPatterns(List<String> old, String... globs) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(old);
    for (String g : globs) {
      dev.safeload.FileGlob.of(g);
      out.add(g);
    }
    return List.copyOf(out);
  }

  /**
   * Signs the model and writes the bundle beside it: {@code dir/model.sig}, or next to a single
   * file.
   */
  public Path signTo(Path model) throws IOException {
    byte[] bundle = sign(model);
    // An absolute path to a file always has a parent.
    Path dir =
        Files.isDirectory(model, LinkOption.NOFOLLOW_LINKS)
            ? model
            : Objects.requireNonNull(model.toAbsolutePath().getParent());
    Path out = dir.resolve(signatureFile);
    Files.write(out, bundle);
    return out;
  }

  /** Hashes the model (files in parallel) and returns the signature bundle's bytes. */
  public byte[] sign(Path model) throws IOException {
    Path root = model.toAbsolutePath().normalize();
    BasicFileAttributes a =
        Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    TreeMap<String, Path> files = new TreeMap<>(ModelSigner::componentOrder);
    String subjectName = root.getFileName() == null ? "model" : root.getFileName().toString();
    boolean single;
    List<dev.safeload.FileGlob> ignoreGlobs =
        ignore.stream().map(dev.safeload.FileGlob::of).toList();
    java.util.TreeSet<String> ignoredPaths = new java.util.TreeSet<>();
    if (a.isRegularFile()) {
      files.put(".", root);
      single = true;
    } else if (a.isDirectory()) {
      single = false;
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && DEFAULT_IGNORES.contains(dir.getFileName().toString())
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String name =
                  root.relativize(file)
                      .toString()
                      .replace(file.getFileSystem().getSeparator(), "/");
              if (name.equals(signatureFile) || DEFAULT_IGNORES.contains(name)) {
                return FileVisitResult.CONTINUE;
              }
              if (ignoreGlobs.stream().anyMatch(g -> g.matches(name))) {
                // Left out; recorded by path for OMS verifiers, unless no OMS path can name it
                // (then the
                // recorded pattern still covers it for ours).
                if (OmsManifest.isValidPath(name)) {
                  ignoredPaths.add(name);
                }
                return FileVisitResult.CONTINUE;
              }
              if (!attrs.isRegularFile()) {
                throw new IOException(
                    "refusing to sign "
                        + name
                        + ": not a regular file (symbolic links are never signed)");
              }
              try {
                OmsManifest.checkPath(name, VerifyReason.SIGNATURE_MANIFEST_INVALID, "file name");
              } catch (SignatureVerificationException e) {
                throw new IOException(e.getMessage(), e);
              }
              files.put(name, file);
              return FileVisitResult.CONTINUE;
            }
          });
    } else {
      throw new IOException(model + " is neither a regular file nor a directory");
    }
    if (files.isEmpty()) {
      throw new IOException(model + " holds no files to sign");
    }
    List<Resource> resources = hashAll(files, shardSize);
    byte[] payload =
        statement(subjectName, resources, single, ignoredPaths).getBytes(StandardCharsets.UTF_8);
    byte[] sig = signBytes(Pae.encode(Pae.IN_TOTO, payload));
    return bundle(payload, sig).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Python's PurePosixPath order: compare path components, not whole strings ("a/b" before "a-c").
   */
  static int componentOrder(String x, String y) {
    String[] a = x.split("/");
    String[] b = y.split("/");
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int c = compareCodePoints(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** One manifest resource: a file, or a shard {@code path:start:end}, with its digest. */
  private record Resource(String name, Sha256 digest) {}

  /** A run of consecutive shards of one file that one task hashes (a whole file: one shard). */
  private record Run(String path, Path file, long start, long end, long shard) {}

  /**
   * The manifest's resources in manifest order: files in component order and, in shards mode, the
   * shards of each file by offset. The work is split into runs of at least a few MiB (a whole file
   * in files mode) hashed in parallel, so a small shard size does not mean a task per shard.
   */
  private static List<Resource> hashAll(TreeMap<String, Path> files, long shardSize)
      throws IOException {
    List<Run> runs = new ArrayList<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      long size = Files.size(e.getValue());
      if (shardSize == 0) {
        runs.add(new Run(e.getKey(), e.getValue(), 0, size, Long.MAX_VALUE));
        continue;
      }
      if (size == 0) {
        throw new IOException(
            "cannot sign "
                + e.getKey()
                + " in shards: the file is empty and a shards manifest lists no range for it"
                + " (sign whole files, or leave the file out)");
      }
      long perRun = Math.max(1, RUN_BYTES / shardSize) * shardSize;
      for (long at = 0; at < size; at += perRun) {
        runs.add(new Run(e.getKey(), e.getValue(), at, Math.min(size, at + perRun), shardSize));
      }
    }
    int threads = Math.max(1, Math.min(runs.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "safeload-signer");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<List<Resource>>> futures = new ArrayList<>(runs.size());
      for (Run run : runs) {
        futures.add(pool.submit(() -> hash(run, shardSize > 0)));
      }
      List<Resource> out = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        try {
          out.addAll(futures.get(i).get());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IOException("hashing " + runs.get(i).path() + " failed", ex.getCause());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while hashing");
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Bytes one hashing task covers at least, in shards mode. */
  private static final long RUN_BYTES = 4L << 20;

  /**
   * Hashes one run: the whole file (files mode, whatever its size now), or its shards in [start,
   * end), each named {@code path:start:end}. A file that shrank since it was listed fails.
   */
  private static List<Resource> hash(Run run, boolean shards) throws IOException {
    List<Resource> out = new ArrayList<>();
    MessageDigest md = Sha256.newMessageDigest();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch =
        FileChannel.open(run.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (!shards) {
        while (ch.read(buf) >= 0) {
          buf.flip();
          md.update(buf);
          buf.clear();
        }
        out.add(new Resource(run.path(), Sha256.of(md.digest())));
        return out;
      }
      long shardStart = run.start();
      long at = run.start();
      while (at < run.end()) {
        long shardEnd = Math.min(run.end(), shardStart + run.shard());
        buf.clear().limit((int) Math.min(buf.capacity(), shardEnd - at));
        int n = ch.read(buf, at);
        if (n < 0) {
          throw new IOException(run.path() + " shrank while it was being signed");
        }
        buf.flip();
        md.update(buf);
        at += n;
        if (at == shardEnd) {
          out.add(
              new Resource(run.path() + ":" + shardStart + ":" + shardEnd, Sha256.of(md.digest())));
          shardStart = shardEnd;
        }
      }
    }
    return out;
  }

  private String statement(
      String subjectName,
      List<Resource> resources,
      boolean single,
      java.util.Set<String> ignoredPaths) {
    MessageDigest root = Sha256.newMessageDigest();
    resources.forEach(r -> root.update(r.digest().toByteArray()));
    String algorithm = shardSize == 0 ? "sha256" : "sha256-sharded-" + shardSize;
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"subject\": [\n    {\n")
        .append("      \"name\": ")
        .append(JsonText.quote(subjectName))
        .append(",\n")
        .append("      \"digest\": {\n        \"sha256\": \"")
        .append(java.util.HexFormat.of().formatHex(root.digest()))
        .append("\"\n      }\n    }\n  ],\n")
        .append("  \"predicateType\": \"https://model_signing/signature/v1.0\",\n")
        .append("  \"predicate\": {\n    \"serialization\": {\n")
        .append("      \"method\": \"")
        .append(shardSize == 0 ? "files" : "shards")
        .append("\",\n      \"hash_type\": \"sha256\",\n      \"allow_symlinks\": false,\n");
    if (shardSize > 0) {
      sb.append("      \"shard_size\": ").append(shardSize).append(",\n");
    }
    sb.append("      \"ignore_paths\": [\n");
    java.util.TreeSet<String> sortedIgnores = new java.util.TreeSet<>(DEFAULT_IGNORES);
    if (!single) {
      sortedIgnores.add(signatureFile);
    }
    sortedIgnores.addAll(ignoredPaths);
    List<String> ignores = new ArrayList<>(sortedIgnores);
    for (int i = 0; i < ignores.size(); i++) {
      sb.append("        ")
          .append(JsonText.quote(ignores.get(i)))
          .append(i + 1 < ignores.size() ? ",\n" : "\n");
    }
    sb.append("      ]\n    },\n    \"resources\": [\n");
    int i = 0;
    for (Resource r : resources) {
      sb.append("      {\n        \"name\": ")
          .append(JsonText.quote(r.name()))
          .append(",\n")
          .append("        \"algorithm\": \"")
          .append(algorithm)
          .append("\",\n")
          .append("        \"digest\": \"")
          .append(r.digest().hex())
          .append("\"\n      }")
          .append(++i < resources.size() ? ",\n" : "\n");
    }
    sb.append("    ]");
    if (!ignore.isEmpty() || !opaque.isEmpty()) {
      sb.append(",\n    \"").append(OmsManifest.SAFELOAD_FIELD).append("\": {\n");
      appendList(sb, "ignore", ignore, ",\n");
      appendList(sb, "opaque", opaque, "\n");
      sb.append("    }");
    }
    sb.append("\n  }\n}");
    return sb.toString();
  }

  private static void appendList(StringBuilder sb, String name, List<String> values, String end) {
    sb.append("      \"").append(name).append("\": [");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(JsonText.quote(values.get(i)));
    }
    sb.append("]").append(end);
  }

  private byte[] signBytes(byte[] data) throws IOException {
    try {
      Signature s = Signature.getInstance(Keys.algorithmFor(publicKey));
      s.initSign(privateKey);
      s.update(data);
      byte[] sig = s.sign();
      if (!Keys.verify(publicKey, data, sig)) {
        throw new IOException("the private key does not match the public key or certificate");
      }
      return sig;
    } catch (GeneralSecurityException | SignatureVerificationException e) {
      throw new IOException("signing failed: " + e.getMessage(), e);
    }
  }

  private String bundle(byte[] payload, byte[] sig) throws IOException {
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder sb =
        new StringBuilder("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",")
            .append("\"verificationMaterial\":{");
    if (chain.isEmpty()) {
      sb.append("\"publicKey\":{\"hint\":\"").append(Keys.omsHint(publicKey)).append("\"}");
    } else {
      sb.append("\"x509CertificateChain\":{\"certificates\":[");
      for (int i = 0; i < chain.size(); i++) {
        try {
          sb.append(i > 0 ? "," : "")
              .append("{\"rawBytes\":\"")
              .append(b64.encodeToString(chain.get(i).getEncoded()))
              .append("\"}");
        } catch (CertificateEncodingException e) {
          throw new IOException("certificate cannot be encoded", e);
        }
      }
      sb.append("]}");
    }
    sb.append(",\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"")
        .append(b64.encodeToString(payload))
        .append("\",\"payloadType\":\"")
        .append(Pae.IN_TOTO)
        .append("\",\"signatures\":[{\"sig\":\"")
        .append(b64.encodeToString(sig))
        .append("\",\"keyid\":\"\"}]}}");
    return sb.toString();
  }
}
