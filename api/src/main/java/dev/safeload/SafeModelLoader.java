package dev.safeload;

import dev.safeload.internal.Engine;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.spi.FormatHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Hands an application the bytes of a model only after they passed format validation and provenance
 * checks, and hands over exactly the bytes it checked.
 *
 * <pre>{@code
 * SafeModelLoader loader = SafeModelLoader.builder()
 *     .verifier(PinSet.load(Path.of("models.pins.json")))
 *     .build();
 * try (VerifiedModel model = loader.load(Path.of("models/llama"))) {
 *   ByteBuffer weights = model.file("model.safetensors").buffer();
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; build one and reuse it.
 */
public final class SafeModelLoader {
  private final Engine engine;

  private SafeModelLoader(Builder b) {
    this.engine =
        new Engine(
            b.policy,
            List.copyOf(b.handlers),
            List.copyOf(b.verifiers),
            List.copyOf(b.readers),
            List.copyOf(b.describers),
            b.progress);
  }

  /**
   * A builder with the {@link LoadPolicy#strict() strict} policy and the handlers found on the
   * class path.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a model file or directory.
   *
   * @return the verified model; close it to release the bytes
   * @throws ModelRejectedException with every finding, if any check failed
   * @throws IOException if {@code path} itself cannot be read (files inside a model that cannot be
   *     read are findings)
   */
  public VerifiedModel load(Path path) throws ModelRejectedException, IOException {
    return load(ModelSource.directory(path));
  }

  /**
   * Loads a model from any {@link ModelSource}: a local path, class-path resources or named
   * streams. Each file is read once through the source, hashed, copied and validated in one pass.
   *
   * @return the verified model; close it to release the bytes
   * @throws ModelRejectedException with every finding, if any check failed
   * @throws IOException if the source itself cannot be listed (a missing path or class-path
   *     prefix); files that cannot be read are findings
   */
  public VerifiedModel load(ModelSource source) throws ModelRejectedException, IOException {
    return engine.load(source.origin());
  }

  /**
   * Checks a model file or directory like {@link #load} and reports instead of throwing. Provenance
   * is checked with the configured verifiers, but a file without proof is not a finding here, so a
   * scan works without pins. Nothing is retained after the call.
   *
   * @throws IOException if {@code path} itself cannot be read
   */
  public ScanReport scan(Path path) throws IOException {
    return scan(ModelSource.directory(path));
  }

  /**
   * Checks a model from any {@link ModelSource} like {@link #load(ModelSource)} and reports instead
   * of throwing.
   *
   * @throws IOException if the source itself cannot be listed
   */
  public ScanReport scan(ModelSource source) throws IOException {
    return engine.scan(source.origin());
  }

  /** The policy this loader applies. */
  public LoadPolicy policy() {
    return engine.policy();
  }

  /** Builds a {@link SafeModelLoader}. */
  public static final class Builder {
    private LoadPolicy policy = LoadPolicy.strict();
    private final List<FormatHandler> handlers = new ArrayList<>();
    private final List<ProvenanceVerifier> verifiers = new ArrayList<>();
    private final List<dev.safeload.spi.SecondReader> readers = new ArrayList<>();
    private final List<dev.safeload.spi.FileDescriber> describers = new ArrayList<>();
    private boolean discover = true;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    /** The policy; {@link LoadPolicy#strict()} unless set. */
    public Builder policy(LoadPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds a provenance check: digest pins ({@code PinSet.load(path)} from {@code
     * safeload-verify}), an OpenSSF model-signing verifier ({@code
     * TrustPolicy.publicKey(pem).verifier()}), or one of your own. Every verifier's findings reject
     * the model, so with pins and a signature both must hold.
     */
    public Builder verifier(ProvenanceVerifier verifier) {
      verifiers.add(Objects.requireNonNull(verifier, "verifier"));
      return this;
    }

    /**
     * Registers a format handler. Its verdicts count only if the policy allows its id ({@link
     * LoadPolicy.Builder#allowFormat}). A registered handler replaces a discovered one with the
     * same id.
     */
    public Builder handler(FormatHandler handler) {
      handlers.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** Receives reading progress (for a progress bar); {@link ProgressListener#NONE} unless set. */
    public Builder progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** Whether to add the handlers found by {@link ServiceLoader} (default {@code true}). */
    public Builder discoverHandlers(boolean discover) {
      this.discover = discover;
      return this;
    }

    /**
     * Adds a {@link dev.safeload.spi.SecondReader}: another reader whose view of a file, if it
     * differs from the handler's, makes the file a polyglot. Those found by {@link ServiceLoader}
     * are always added, even when handler discovery is off: turning a safety check off is never a
     * side effect.
     */
    public Builder secondReader(dev.safeload.spi.SecondReader reader) {
      readers.add(Objects.requireNonNull(reader, "reader"));
      return this;
    }

    /**
     * Adds a {@link dev.safeload.spi.FileDescriber}, which reads what an opaque file (a model card)
     * declares. A registered describer replaces a discovered one with the same id; discovery
     * follows {@link #discoverHandlers}.
     */
    public Builder describer(dev.safeload.spi.FileDescriber describer) {
      describers.add(Objects.requireNonNull(describer, "describer"));
      return this;
    }

    public SafeModelLoader build() {
      ServiceLoader.load(
              dev.safeload.spi.SecondReader.class, SafeModelLoader.class.getClassLoader())
          .forEach(
              r -> {
                if (readers.stream().noneMatch(x -> x.id().equals(r.id()))) {
                  readers.add(r);
                }
              });
      if (discover) {
        List<FormatHandler> all = new ArrayList<>();
        ServiceLoader.load(FormatHandler.class, SafeModelLoader.class.getClassLoader())
            .forEach(
                h -> {
                  if (handlers.stream().noneMatch(r -> r.id().equals(h.id()))) {
                    all.add(h);
                  }
                });
        handlers.addAll(0, all);
        List<dev.safeload.spi.FileDescriber> found = new ArrayList<>();
        ServiceLoader.load(
                dev.safeload.spi.FileDescriber.class, SafeModelLoader.class.getClassLoader())
            .forEach(
                d -> {
                  if (describers.stream().noneMatch(r -> r.id().equals(d.id()))) {
                    found.add(d);
                  }
                });
        describers.addAll(0, found);
      }
      return new SafeModelLoader(this);
    }
  }
}
