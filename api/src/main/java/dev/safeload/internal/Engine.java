package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.FileGlob;
import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.spi.FileDescriber;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.SecondReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The loading pipeline behind {@link dev.safeload.SafeModelLoader}, as a chain of stages that pass
 * immutable values: {@link ModelWalk} (which files, with {@link ModelNames} and {@link SideFiles}),
 * {@link NameRoles} (what their names say), {@link FileReading} with {@link FileValidation} (each
 * file read once while hashed, then judged by name and content together: {@link Detection}, {@link
 * HandlerRun}, {@link SecondReadings}), {@link CrossFileChecks} (references and whole-model rules),
 * {@link LicenseChecks} (the licence policy over what files declare), {@link Proofs} (pins and
 * signatures), then delivery ({@link DefaultVerifiedModel}) or a report.
 */
public final class Engine {
  /**
   * The logger, looked up on first use: finding the logging backend (java.util.logging unless the
   * application installs another) costs milliseconds of class initialization that a command-line
   * scan, which never logs, should not pay before it reads its first byte.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("dev.safeload");
  }

  private final LoadPolicy policy;
  private final List<FormatHandler> handlers;
  private final List<ProvenanceVerifier> verifiers;
  private final List<SecondReader> readers;
  private final List<FileDescriber> describers;
  private final Set<String> sideFileNames;
  private final List<FileGlob> ignore;
  private final List<FileGlob> opaque;

  /** Shard sizes the verifiers declared, hashed in the single pass beside the whole-file digest. */
  private final List<Long> shardSizes;

  private final ProgressListener progress;

  public Engine(
      LoadPolicy policy,
      List<FormatHandler> handlers,
      List<ProvenanceVerifier> verifiers,
      List<SecondReader> readers,
      ProgressListener progress) {
    this(policy, handlers, verifiers, readers, List.of(), progress);
  }

  public Engine(
      LoadPolicy policy,
      List<FormatHandler> handlers,
      List<ProvenanceVerifier> verifiers,
      List<SecondReader> readers,
      List<FileDescriber> describers,
      ProgressListener progress) {
    this.policy = policy;
    this.describers = List.copyOf(describers);
    this.progress = progress;
    Map<String, FormatHandler> byId = new LinkedHashMap<>();
    for (FormatHandler h : handlers) {
      if (h.spiVersion() > FormatHandler.SPI_VERSION) {
        Log.LOG.log(
            Level.WARNING,
            "ignoring handler {0}: SPI version {1} is newer than {2}",
            h.id(),
            h.spiVersion(),
            FormatHandler.SPI_VERSION);
        continue;
      }
      byId.put(h.id(), h); // later registrations replace earlier ones with the same id
    }
    this.handlers = List.copyOf(byId.values());
    this.verifiers = List.copyOf(verifiers);
    this.readers = List.copyOf(readers);
    Set<String> side = new HashSet<>();
    Set<String> ignored = new LinkedHashSet<>(policy.ignoredFiles());
    Set<String> opaqueGlobs = new LinkedHashSet<>(policy.opaqueFiles());
    Set<Long> shards = new HashSet<>();
    for (ProvenanceVerifier v : verifiers) {
      shards.addAll(v.shardSizes()); // declared before the pass, computed in it
      side.addAll(v.sideFiles());
      ignored.addAll(v.ignoredFiles()); // what the proof itself leaves out, recorded by its maker
      opaqueGlobs.addAll(v.opaqueFiles());
    }
    this.sideFileNames = Set.copyOf(side);
    this.ignore = ignored.stream().map(FileGlob::of).toList();
    this.opaque = opaqueGlobs.stream().map(FileGlob::of).toList();
    this.shardSizes = Hasher.plan(shards);
  }

  public LoadPolicy policy() {
    return policy;
  }

  /** {@link dev.safeload.SafeModelLoader#load}. */
  public VerifiedModel load(Path path) throws ModelRejectedException, IOException {
    return load(new ModelOrigin.Local(path));
  }

  /** {@link dev.safeload.SafeModelLoader#load(dev.safeload.ModelSource)}. */
  public VerifiedModel load(ModelOrigin origin) throws ModelRejectedException, IOException {
    String path = origin.location();
    Run run = run(origin, true);
    List<Finding> all = run.allFindings();
    if (!all.isEmpty()) {
      run.release();
      Log.LOG.log(Level.DEBUG, "rejected {0}: {1}", path, all.get(0));
      throw new ModelRejectedException(all);
    }
    Log.LOG.log(Level.DEBUG, "loaded {0} ({1} files, {2})", path, run.files.size(), run.mode);
    List<DefaultVerifiedModel.Entry> served = new ArrayList<>();
    for (CheckedFile f : run.files) {
      served.add(
          new DefaultVerifiedModel.Entry(
              f.name(),
              f.readData(),
              f.sha256(),
              f.shards(),
              f.format(),
              f.description(),
              f.source(),
              f.privateCopy(),
              run.proofs.covering(f.name())));
    }
    served.sort(Comparator.comparing(DefaultVerifiedModel.Entry::name));
    return new DefaultVerifiedModel(
        run.walk.root(),
        run.walk.location(),
        run.mode,
        served,
        run.proofs.proofs(),
        run.privateDir,
        policy.allowsSymlinks());
  }

  /** {@link dev.safeload.SafeModelLoader#scan}. */
  public ScanReport scan(Path path) throws IOException {
    return scan(new ModelOrigin.Local(path));
  }

  /** {@link dev.safeload.SafeModelLoader#scan(dev.safeload.ModelSource)}. */
  public ScanReport scan(ModelOrigin origin) throws IOException {
    Run run = run(origin, false);
    try {
      List<FileReport> reports = new ArrayList<>();
      for (CheckedFile f : run.files) {
        reports.add(
            new FileReport(
                f.name(),
                f.read() ? f.readData().size() : -1,
                f.format().isEmpty() ? null : f.format(),
                f.sha256(),
                f.findings(),
                f.desc() == null ? List.of() : f.desc().licenses(),
                run.proofs.covering(f.name()),
                f.shards()));
      }
      return new ScanReport(
          run.walk.root(),
          reports,
          run.modelFindings,
          run.walk.ignored(),
          run.proofs.proofs(),
          run.walk.location());
    } finally {
      run.release();
    }
  }

  /** The outcome of the stages for one path; nothing in it changes after {@link #run} returns. */
  private record Run(
      ModelWalk.Result walk,
      Delivery mode,
      @Nullable Path privateDir,
      List<CheckedFile> files,
      List<Finding> modelFindings,
      Proofs.Result proofs) {
    List<Finding> allFindings() {
      List<Finding> all = new ArrayList<>(modelFindings);
      files.forEach(f -> all.addAll(f.findings()));
      return all;
    }

    /** Deletes the private directory, after a rejection or a scan. */
    void release() {
      if (privateDir != null) {
        PrivateDirs.deleteQuietly(privateDir);
      }
    }
  }

  /** Walk, roles, read-hash-validate, cross-file checks, proofs: the stages, in order. */
  private Run run(ModelOrigin origin, boolean forLoad) throws IOException {
    ModelWalk.Result walk = list(origin);
    Delivery mode = chooseMode(walk, forLoad);
    if (walk.files().isEmpty() || mode == null) {
      List<Finding> findings = new ArrayList<>(walk.findings());
      if (mode == null) {
        findings.add(
            new Finding(
                Reason.SOURCE_NOT_MAPPABLE,
                null,
                Finding.NO_OFFSET,
                "MAPPED_TRUSTED serves a mapping of local files; "
                    + walk.location()
                    + " is read through streams: use COPY_TO_MEMORY or PRIVATE_FILE"));
      }
      return new Run(
          walk,
          Delivery.MAPPED_TRUSTED,
          null,
          List.of(),
          List.copyOf(findings),
          new Proofs.Result(List.of(), List.of(), List.of()));
    }
    Path privateDir =
        mode == Delivery.PRIVATE_FILE ? PrivateDirs.create(totalBytes(walk.files())) : null;
    int threads = threads(walk.files());
    ExecutorService pool = pool(threads);
    try {
      NameRoles roles = new NameRoles(handlers, opaque);
      FileValidation validation = new FileValidation(policy, handlers, readers, describers);
      FileReading reading =
          new FileReading(
              policy, mode, privateDir, progress, shardSizes, this::needsSha256, pool, threads);
      List<CheckedFile> read = readAll(walk.files(), roles, validation, reading, pool);
      List<CheckedFile> checked;
      try {
        checked = new CrossFileChecks(policy, validation).apply(read, walk.directory());
        checked = reading.release(checked);
      } finally {
        FileReading.releaseQuietly(read); // after a failure; closing twice does nothing
      }
      LicenseChecks.Result licenses = new LicenseChecks(policy).apply(checked);
      checked = licenses.files();
      // A scan applies the proof requirement only when the policy asks; a load always does.
      ProofRequirement required =
          forLoad || policy.scansRequireProof() ? policy.requiredProof() : ProofRequirement.none();
      Proofs.Result proofs = new Proofs(verifiers, required, pool).check(checked, walk);
      List<Finding> modelFindings = new ArrayList<>(walk.findings());
      modelFindings.addAll(licenses.modelFindings());
      modelFindings.addAll(proofs.modelFindings());
      return new Run(walk, mode, privateDir, reading.settle(proofs.files()), modelFindings, proofs);
    } catch (IOException | RuntimeException | Error e) {
      if (privateDir != null) {
        PrivateDirs.deleteQuietly(privateDir);
      }
      throw e;
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Stage 1 for any source: which files make up the model. */
  private ModelWalk.Result list(ModelOrigin origin) throws IOException {
    ModelWalk walk = new ModelWalk(policy, sideFileNames, ignore);
    SourceListing listing = new SourceListing(policy, sideFileNames, ignore);
    if (origin instanceof ModelOrigin.Local local) {
      return walk.walk(local.path());
    } else if (origin instanceof ModelOrigin.ClassPath cp) {
      return ClassPathListing.list(cp, walk, listing);
    } else if (origin instanceof ModelOrigin.Streams streams) {
      List<SourceListing.Listed> listed = new ArrayList<>();
      for (ModelOrigin.Named n : streams.files()) {
        listed.add(new SourceListing.Listed(n.name(), n.size(), n.opener()));
      }
      return listing.list(streams.location(), listed, List.of());
    }
    throw new IllegalStateException("unknown source " + origin);
  }

  private static long totalBytes(List<SourceFile> files) {
    long total = 0;
    for (SourceFile f : files) {
      total += f.size();
    }
    return total;
  }

  /**
   * Whether anything needs the whole-file SHA-256 of this file: a verifier (each is asked; a
   * verifier that fails to answer is taken to need it), or the loader itself for a Hugging Face
   * cache blob, whose name is its digest. Without verifiers, or without shard sizes to hash
   * instead, the whole-file digest is always computed: a report then shows it.
   */
  boolean needsSha256(SourceFile f) {
    if (verifiers.isEmpty() || shardSizes.isEmpty() || f.cacheBlob() != null) {
      return true;
    }
    for (ProvenanceVerifier v : verifiers) {
      try {
        if (v.needsSha256(f.name())) {
          return true;
        }
      } catch (RuntimeException e) {
        return true; // computing more is always safe; the verifier's own run reports its defect
      }
    }
    return false;
  }

  /**
   * How many threads a run may use: up to {@code PARALLELISM}, never more than there is work for
   * (files, or the shards of a file hashed in parallel).
   */
  private int threads(List<SourceFile> files) {
    long work = files.size();
    if (shardSizes.size() == 1) {
      for (SourceFile f : files) {
        if (f.size() > shardSizes.get(0) && !needsSha256(f)) {
          work = Math.max(work, DigestedFile.shardCount(f.size(), shardSizes.get(0)));
        }
      }
    }
    return (int) Math.min(work, policy.get(LoadPolicy.PARALLELISM));
  }

  /**
   * The loader's threads for one run, shared by every stage that works in parallel (reading files,
   * hashing the shards of a file, running verifiers). Null when one thread is all the run may use.
   */
  private @Nullable ExecutorService pool(int threads) {
    if (threads <= 1) {
      return null;
    }
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, "safeload-reader");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * How the run reads and holds the bytes, or null when the policy asks for a mapping of files that
   * are not local ({@code SOURCE_NOT_MAPPABLE}): a stream can only be copied.
   */
  private @Nullable Delivery chooseMode(ModelWalk.Result walk, boolean forLoad) {
    List<SourceFile> files = walk.files();
    if (!forLoad && walk.local()) {
      return Delivery
          .MAPPED_TRUSTED; // a scan hands nothing out: read through a mapping, keep nothing
    }
    if (forLoad && policy.delivery() != Delivery.AUTOMATIC) {
      return policy.delivery() == Delivery.MAPPED_TRUSTED && !walk.local()
          ? null
          : policy.delivery();
    }
    long total = 0;
    for (SourceFile f : files) {
      total += f.size();
    }
    return total <= policy.get(LoadPolicy.MAX_IN_MEMORY_BYTES)
        ? Delivery.COPY_TO_MEMORY
        : Delivery.PRIVATE_FILE;
  }

  /**
   * Stage 3 for every file, on the run's {@linkplain #pool pool}: up to {@code PARALLELISM} files
   * at once; with one file at a time and cores to spare, a large mapping is validated while it is
   * hashed.
   */
  private List<CheckedFile> readAll(
      List<SourceFile> files,
      NameRoles roles,
      FileValidation validation,
      FileReading reading,
      @Nullable ExecutorService pool)
      throws IOException {
    long parallelism = policy.get(LoadPolicy.PARALLELISM);
    List<CheckedFile> out = new ArrayList<>();
    if (pool == null) {
      for (SourceFile f : files) {
        out.add(reading.check(f, roles.of(f.name()), validation, parallelism > 1));
      }
      return out;
    }
    List<Future<CheckedFile>> futures = new ArrayList<>();
    for (SourceFile f : files) {
      futures.add(pool.submit(() -> reading.check(f, roles.of(f.name()), validation, false)));
    }
    for (Future<CheckedFile> fu : futures) {
      try {
        out.add(fu.get());
      } catch (ExecutionException e) {
        throw TaskFailures.rethrow(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while loading");
      }
    }
    return out;
  }

  /**
   * Resolves {@code .} and {@code ..} segments of a reference joined to its referrer's directory; a
   * reference that climbs above the root resolves to a name no served file has.
   */
  static String normaliseReference(String name) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String seg : name.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          return "/../" + name; // outside the model: matches nothing
        }
        parts.removeLast();
      } else {
        parts.addLast(seg);
      }
    }
    return String.join("/", parts);
  }

  /** Options for reading attributes: never follow links unless the policy allows them. */
  static LinkOption[] linkOptions(boolean followLinks) {
    return followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
  }

  /**
   * The text after the last dot of the last path segment, folded as a case-insensitive file system
   * folds it ({@code .pY}, {@code .ſh} with a long s), or "" if none. A dotfile's name after its
   * dot counts too: readers pick files with {@code endswith(".py")} or a {@code *.jinja} glob, and
   * both take {@code .py} and {@code .jinja} (transformers imports {@code .py} for the {@code
   * auto_map} entry {@code ".C"}, and loads {@code additional_chat_templates/.jinja} as the chat
   * template named "").
   */
  static String extension(String name) {
    String last = name.substring(name.lastIndexOf('/') + 1);
    int dot = last.lastIndexOf('.');
    return dot < 0 ? "" : ModelNames.folded(last.substring(dot + 1));
  }
}
