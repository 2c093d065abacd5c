package dev.safeload.verify.attestation;

import dev.safeload.verify.internal.dsse.Pae;
import dev.safeload.verify.internal.x509.Keys;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Sigstore instance of our own for tests: a Fulcio-like CA (root and intermediate), a CT log and
 * a Rekor log, each with its own key, published in a {@code trusted_root.json}; and a builder of
 * GitHub artifact attestation bundles (v0.3: certificate with Fulcio extensions and an embedded
 * SCT, DSSE envelope over an in-toto statement, a dsse/0.0.1 log entry with SET, inclusion proof
 * and signed checkpoint). Real GitHub OIDC certificates cannot be obtained in tests; everything
 * else is as real.
 */
final class TestSigstore {
  static final String FULCIO = "1.3.6.1.4.1.57264.1.";
  static final String REKOR_URL = "https://rekor.test.example";
  static final Instant EPOCH = Instant.parse("2026-03-01T10:00:00Z");

  final KeyPair rootKey = ec("secp384r1");
  final KeyPair interKey = ec("secp384r1");
  final KeyPair ctKey = ec("secp256r1");
  final KeyPair rekorKey = ec("secp256r1");
  final KeyPair tsaKey = ec("secp256r1");
  final X509Certificate root;
  final X509Certificate intermediate;
  final X509Certificate tsa;
  private final AtomicLong serial = new AtomicLong(1000);

  TestSigstore() throws Exception {
    Instant from = Instant.parse("2025-01-01T00:00:00Z");
    Instant to = Instant.parse("2035-01-01T00:00:00Z");
    root =
        ca(
            new X500Principal("O=safeload test,CN=test-fulcio-root"),
            rootKey,
            new X500Principal("O=safeload test,CN=test-fulcio-root"),
            rootKey.getPrivate(),
            from,
            to,
            1);
    intermediate =
        ca(
            new X500Principal("O=safeload test,CN=test-fulcio-intermediate"),
            interKey,
            root.getSubjectX500Principal(),
            rootKey.getPrivate(),
            from,
            to,
            0);
    JcaX509v3CertificateBuilder t =
        new JcaX509v3CertificateBuilder(
            root.getSubjectX500Principal(),
            BigInteger.valueOf(serial.incrementAndGet()),
            Date.from(from),
            Date.from(to),
            new X500Principal("O=safeload test,CN=test-tsa"),
            tsaKey.getPublic());
    t.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    t.addExtension(
        Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
    tsa =
        convert(
            t.build(new JcaContentSignerBuilder("SHA384withECDSA").build(rootKey.getPrivate())));
  }

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate ca(
      X500Principal subject,
      KeyPair key,
      X500Principal issuer,
      PrivateKey signer,
      Instant from,
      Instant to,
      int pathLen)
      throws Exception {
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(serial.incrementAndGet()),
            Date.from(from),
            Date.from(to),
            subject,
            key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return convert(b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(signer)));
  }

  private static X509Certificate convert(X509CertificateHolder h) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  static byte[] sha256(byte[] b) {
    return dev.safeload.provenance.Sha256.hash(b).toByteArray();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** The trusted root publishing this instance's CA, CT log and Rekor log. */
  String trustedRootJson() throws Exception {
    String start = "2025-01-01T00:00:00Z";
    return "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
        + "\"tlogs\":["
        + log(REKOR_URL, rekorKey, start)
        + "],"
        + "\"certificateAuthorities\":[{\"subject\":{\"organization\":\"safeload test\",\"commonName\":\"test\"},"
        + "\"uri\":\"https://fulcio.test.example\",\"certChain\":{\"certificates\":["
        + "{\"rawBytes\":\""
        + b64(intermediate.getEncoded())
        + "\"},{\"rawBytes\":\""
        + b64(root.getEncoded())
        + "\"}]},"
        + "\"validFor\":{\"start\":\""
        + start
        + "\"}}],"
        + "\"ctlogs\":["
        + log("https://ctfe.test.example/test", ctKey, start)
        + "],"
        + "\"timestampAuthorities\":[]}";
  }

  /**
   * The trusted root of an instance like GitHub's own: a CA and a timestamp authority, no
   * transparency log and no CT log.
   */
  String timestampOnlyTrustedRootJson() throws Exception {
    String start = "2025-01-01T00:00:00Z";
    return "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
        + "\"certificateAuthorities\":[{\"subject\":{\"organization\":\"safeload test\",\"commonName\":\"test\"},"
        + "\"uri\":\"https://fulcio.test.example\",\"certChain\":{\"certificates\":["
        + "{\"rawBytes\":\""
        + b64(intermediate.getEncoded())
        + "\"},{\"rawBytes\":\""
        + b64(root.getEncoded())
        + "\"}]},\"validFor\":{\"start\":\""
        + start
        + "\"}}],"
        + "\"timestampAuthorities\":[{\"subject\":{\"organization\":\"safeload test\",\"commonName\":\"tsa\"},"
        + "\"uri\":\"https://tsa.test.example\",\"certChain\":{\"certificates\":["
        + "{\"rawBytes\":\""
        + b64(tsa.getEncoded())
        + "\"},{\"rawBytes\":\""
        + b64(root.getEncoded())
        + "\"}]},\"validFor\":{\"start\":\""
        + start
        + "\"}}]}";
  }

  /** A DER TimeStampResponse from the test TSA over SHA-256 of {@code signature}, at {@code at}. */
  byte[] timestamp(byte[] signature, Instant at) throws Exception {
    org.bouncycastle.tsp.TimeStampTokenGenerator gen =
        new org.bouncycastle.tsp.TimeStampTokenGenerator(
            new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder()
                .build("SHA256withECDSA", tsaKey.getPrivate(), tsa),
            new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                .build()
                .get(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
            new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2"));
    org.bouncycastle.tsp.TimeStampRequest req =
        new org.bouncycastle.tsp.TimeStampRequestGenerator()
            .generate(org.bouncycastle.tsp.TSPAlgorithms.SHA256, sha256(signature));
    return new org.bouncycastle.tsp.TimeStampResponseGenerator(
            gen, org.bouncycastle.tsp.TSPAlgorithms.ALLOWED)
        .generate(req, BigInteger.valueOf(serial.incrementAndGet()), Date.from(at))
        .getEncoded();
  }

  private static String log(String url, KeyPair k, String start) {
    return "{\"baseUrl\":\""
        + url
        + "\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
        + b64(k.getPublic().getEncoded())
        + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{\"start\":\""
        + start
        + "\"}},\"logId\":{\"keyId\":\""
        + b64(sha256(k.getPublic().getEncoded()))
        + "\"}}";
  }

  /**
   * What a GitHub Actions run would put in the certificate and statement; tests change one field at
   * a time.
   */
  static final class Build {
    String repository = "acme/models";
    String signerWorkflow = null; // default: .github/workflows/release.yml in the repository
    String ref = "refs/heads/main";
    String commit = "1f0e2d3c4b5a69788796a5b4c3d2e1f001122334";
    String issuer = "https://token.actions.githubusercontent.com";
    String runner = "github-hosted";
    String predicateType = "https://slsa.dev/provenance/v1";
    String predicateRepository = null; // default: the repository's URI

    /**
     * Extension values by OID suffix that replace or add to the defaults; a null value removes one.
     */
    final Map<Integer, String> overrides = new LinkedHashMap<>();

    /**
     * Extensions whose value is written as raw bytes (first generation) rather than a DER
     * UTF8String.
     */
    final Map<Integer, String> rawExtensions = new LinkedHashMap<>();

    /** Subjects: name to SHA-256 hex. */
    final Map<String, String> subjects = new LinkedHashMap<>();

    /** Name subjects by SHA-512 only, as npm does. */
    boolean sha512Only;

    /** Sign the leaf with a CA outside the trusted root. */
    boolean foreignCa;

    /**
     * As GitHub's own instance signs: no SCT in the leaf, no log entry, one RFC 3161 timestamp
     * (none when {@link #noTimestamp}).
     */
    boolean timestampOnly;

    /** With {@link #timestampOnly}: leave the timestamp out too. */
    boolean noTimestamp;

    Build subject(String name, byte[] content) {
      subjects.put(
          name,
          HexFormat.of()
              .formatHex(sha512Only ? Models.digest("SHA-512", content) : sha256(content)));
      return this;
    }

    String san() {
      return signerWorkflow != null
          ? "https://github.com/" + signerWorkflow
          : "https://github.com/" + repository + "/.github/workflows/release.yml@" + ref;
    }
  }

  /** A v0.3 bundle for {@code build}, signed at {@link #EPOCH}. */
  String bundle(Build build) throws Exception {
    KeyPair leafKey = ec("secp256r1");
    String owner = build.repository.substring(0, build.repository.indexOf('/'));
    Map<Integer, String> ext = new LinkedHashMap<>();
    ext.put(8, build.issuer);
    ext.put(9, build.san());
    ext.put(10, build.commit);
    ext.put(11, build.runner);
    ext.put(12, "https://github.com/" + build.repository);
    ext.put(13, build.commit);
    ext.put(14, build.ref);
    ext.put(16, "https://github.com/" + owner);
    ext.put(20, "push");
    ext.put(21, "https://github.com/" + build.repository + "/actions/runs/1/attempts/1");
    build.overrides.forEach(
        (k, v) -> {
          if (v == null) {
            ext.remove(k);
          } else {
            ext.put(k, v);
          }
        });
    X509Certificate leaf = leaf(build, leafKey, ext);

    String payload = statement(build);
    byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(leafKey.getPrivate());
    s.update(Pae.encode(Pae.IN_TOTO, payloadBytes));
    byte[] sig = s.sign();

    String body =
        "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"payloadHash\":{\"algorithm\":\"sha256\","
            + "\"value\":\""
            + HexFormat.of().formatHex(sha256(payloadBytes))
            + "\"},\"signatures\":[{\"signature\":\""
            + b64(sig)
            + "\",\"verifier\":\""
            + b64(Keys.pem("CERTIFICATE", leaf.getEncoded()).getBytes(StandardCharsets.US_ASCII))
            + "\"}]}}";
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] logId = sha256(rekorKey.getPublic().getEncoded());
    long integrated = EPOCH.plusSeconds(30).getEpochSecond();
    String setText =
        "{\"body\":\""
            + b64(bodyBytes)
            + "\",\"integratedTime\":"
            + integrated
            + ",\"logID\":\""
            + HexFormat.of().formatHex(logId)
            + "\",\"logIndex\":0}";
    byte[] set = sign(rekorKey, setText.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream leafInput = new ByteArrayOutputStream();
    leafInput.write(0);
    leafInput.write(bodyBytes);
    byte[] rootHash = sha256(leafInput.toByteArray());
    String note = "rekor.test.example - 1\n1\n" + b64(rootHash) + "\n";
    byte[] noteSig = sign(rekorKey, note.getBytes(StandardCharsets.UTF_8));
    byte[] hinted = ByteBuffer.allocate(4 + noteSig.length).put(logId, 0, 4).put(noteSig).array();
    String checkpoint = note + "\n\u2014 rekor.test.example " + b64(hinted) + "\n";

    String envelope =
        "\"dsseEnvelope\":{\"payload\":\""
            + b64(payloadBytes)
            + "\",\"payloadType\":\""
            + Pae.IN_TOTO
            + "\",\"signatures\":[{\"sig\":\""
            + b64(sig)
            + "\",\"keyid\":\"\"}]}}";
    if (build.timestampOnly) {
      return "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{"
          + "\"certificate\":{\"rawBytes\":\""
          + b64(leaf.getEncoded())
          + "\"}"
          + (build.noTimestamp
              ? ""
              : ",\"timestampVerificationData\":{\"rfc3161Timestamps\":[{\"signedTimestamp\":\""
                  + b64(timestamp(sig, EPOCH.plusSeconds(30)))
                  + "\"}]}")
          + "},"
          + envelope;
    }
    return "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{"
        + "\"certificate\":{\"rawBytes\":\""
        + b64(leaf.getEncoded())
        + "\"},"
        + "\"tlogEntries\":[{\"logIndex\":\"0\",\"logId\":{\"keyId\":\""
        + b64(logId)
        + "\"},"
        + "\"kindVersion\":{\"kind\":\"dsse\",\"version\":\"0.0.1\"},\"integratedTime\":\""
        + integrated
        + "\","
        + "\"inclusionPromise\":{\"signedEntryTimestamp\":\""
        + b64(set)
        + "\"},"
        + "\"inclusionProof\":{\"logIndex\":\"0\",\"rootHash\":\""
        + b64(rootHash)
        + "\",\"treeSize\":\"1\","
        + "\"hashes\":[],\"checkpoint\":{\"envelope\":"
        + jsonString(checkpoint)
        + "}},"
        + "\"canonicalizedBody\":\""
        + b64(bodyBytes)
        + "\"}]},"
        + "\"dsseEnvelope\":{\"payload\":\""
        + b64(payloadBytes)
        + "\",\"payloadType\":\""
        + Pae.IN_TOTO
        + "\","
        + "\"signatures\":[{\"sig\":\""
        + b64(sig)
        + "\",\"keyid\":\"\"}]}}";
  }

  private static String jsonString(String s) {
    return "\""
        + s.replace("\\", "\\\\")
            .replace("\"", "\\\"")
            .replace("\n", "\\n")
            .replace("\u2014", "\\u2014")
        + "\"";
  }

  private static byte[] sign(KeyPair k, byte[] data) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(k.getPrivate());
    s.update(data);
    return s.sign();
  }

  private static String statement(Build b) {
    StringBuilder subjects = new StringBuilder();
    b.subjects.forEach(
        (name, hex) ->
            subjects
                .append(subjects.length() == 0 ? "" : ",")
                .append("{\"name\":")
                .append(jsonString(name))
                .append(",\"digest\":{\"")
                .append(b.sha512Only ? "sha512" : "sha256")
                .append("\":\"")
                .append(hex)
                .append("\"}}"));
    String repoUri =
        b.predicateRepository != null
            ? b.predicateRepository
            : "https://github.com/" + b.repository;
    return "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":["
        + subjects
        + "],"
        + "\"predicateType\":\""
        + b.predicateType
        + "\",\"predicate\":{\"buildDefinition\":{"
        + "\"buildType\":\"https://actions.github.io/buildtypes/workflow/v1\",\"externalParameters\":{\"workflow\":{"
        + "\"ref\":\""
        + b.ref
        + "\",\"repository\":\""
        + repoUri
        + "\",\"path\":\".github/workflows/release.yml\"}},"
        + "\"internalParameters\":{\"github\":{\"event_name\":\"push\",\"runner_environment\":\""
        + b.runner
        + "\"}},"
        + "\"resolvedDependencies\":[{\"uri\":\"git+"
        + repoUri
        + "@"
        + b.ref
        + "\",\"digest\":{\"gitCommit\":\""
        + b.commit
        + "\"}}]},\"runDetails\":{\"builder\":{\"id\":\""
        + b.san()
        + "\"},\"metadata\":{"
        + "\"invocationId\":\"https://github.com/"
        + b.repository
        + "/actions/runs/1/attempts/1\"}}}}";
  }

  /**
   * A Fulcio-style leaf valid for ten minutes from {@link #EPOCH}: the precertificate (all
   * extensions but the SCT list) is what the CT log signs; the final certificate adds the SCT list
   * as its last extension.
   */
  private X509Certificate leaf(Build build, KeyPair leafKey, Map<Integer, String> ext)
      throws Exception {
    KeyPair issuerKey = build.foreignCa ? ec("secp384r1") : interKey;
    X500Principal issuer =
        intermediate.getSubjectX500Principal(); // same name: only the key differs when foreign
    BigInteger sn = BigInteger.valueOf(serial.incrementAndGet());
    List<Extension> exts = new ArrayList<>();
    exts.add(
        new Extension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature).getEncoded()));
    exts.add(
        new Extension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning).getEncoded()));
    exts.add(
        new Extension(
            Extension.subjectAlternativeName,
            true,
            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, build.san()))
                .getEncoded()));
    build.rawExtensions.forEach(
        (n, v) ->
            exts.add(
                new Extension(
                    new ASN1ObjectIdentifier(FULCIO + n),
                    false,
                    v.getBytes(StandardCharsets.UTF_8))));
    for (Map.Entry<Integer, String> e : ext.entrySet()) {
      exts.add(
          new Extension(
              new ASN1ObjectIdentifier(FULCIO + e.getKey()),
              false,
              new DERUTF8String(e.getValue()).getEncoded(ASN1Encoding.DER)));
    }
    X509CertificateHolder pre =
        leafBuilder(issuer, sn, leafKey, exts)
            .build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey.getPrivate()));
    if (build.timestampOnly) {
      return convert(pre); // an instance without a CT log embeds no SCT
    }
    byte[] tbs = pre.toASN1Structure().getTBSCertificate().getEncoded(ASN1Encoding.DER);
    long ts = EPOCH.plusSeconds(5).toEpochMilli();
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.write(0);
    signed.write(0);
    signed.write(ByteBuffer.allocate(8).putLong(ts).array());
    signed.write(0);
    signed.write(1);
    signed.write(sha256(issuerKey.getPublic().getEncoded()));
    signed.write(tbs.length >>> 16);
    signed.write(tbs.length >>> 8);
    signed.write(tbs.length);
    signed.write(tbs);
    signed.write(0);
    signed.write(0);
    byte[] sctSig = sign(ctKey, signed.toByteArray());
    ByteArrayOutputStream sct = new ByteArrayOutputStream();
    sct.write(0);
    sct.write(sha256(ctKey.getPublic().getEncoded()));
    sct.write(ByteBuffer.allocate(8).putLong(ts).array());
    sct.write(0);
    sct.write(0);
    sct.write(4);
    sct.write(3);
    sct.write(sctSig.length >>> 8);
    sct.write(sctSig.length);
    sct.write(sctSig);
    byte[] one = sct.toByteArray();
    ByteBuffer list =
        ByteBuffer.allocate(4 + one.length)
            .putShort((short) (one.length + 2))
            .putShort((short) one.length)
            .put(one);
    List<Extension> withSct = new ArrayList<>(exts);
    withSct.add(
        new Extension(
            new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"),
            false,
            new DEROctetString(list.array()).getEncoded(ASN1Encoding.DER)));
    return convert(
        leafBuilder(issuer, sn, leafKey, withSct)
            .build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey.getPrivate())));
  }

  private static JcaX509v3CertificateBuilder leafBuilder(
      X500Principal issuer, BigInteger sn, KeyPair leafKey, List<Extension> exts) throws Exception {
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer,
            sn,
            Date.from(EPOCH),
            Date.from(EPOCH.plusSeconds(600)),
            new X500Principal(""),
            leafKey.getPublic());
    for (Extension e : exts) {
      b.addExtension(e);
    }
    return b;
  }
}
