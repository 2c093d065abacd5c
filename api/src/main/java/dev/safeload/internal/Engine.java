package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * The loading pipeline behind {@link dev.safeload.SafeModelLoader}: find files, read each once while
 * hashing, detect its format from content, validate, check cross-file rules and provenance, then either
 * hand over the verified copy or report.
 */
public final class Engine {
  /**
   * The logger, looked up on first use: finding the logging backend (java.util.logging unless the
   * application installs another) costs milliseconds of class initialization that a command-line scan,
   * which never logs, should not pay before it reads its first byte.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("dev.safeload");
  }
  /** Bytes of a file shown to {@link FormatHandler#detect}. */
  static final int HEAD_BYTES = 64 * 1024;
  /** Largest side file (signature bundle, ...) read for a verifier. */
  static final long MAX_SIDE_FILE_BYTES = 16L << 20;

  private final LoadPolicy policy;
  private final List<FormatHandler> handlers;
  private final List<ProvenanceVerifier> verifiers;
  private final Set<String> sideFileNames;
  private final ProgressListener progress;

  public Engine(LoadPolicy policy, List<FormatHandler> handlers, List<ProvenanceVerifier> verifiers,
      ProgressListener progress) {
    this.policy = policy;
    this.progress = progress;
    Map<String, FormatHandler> byId = new LinkedHashMap<>();
    for (FormatHandler h : handlers) {
      if (h.spiVersion() > FormatHandler.SPI_VERSION) {
        Log.LOG.log(Level.WARNING, "ignoring handler {0}: SPI version {1} is newer than {2}",
            h.id(), h.spiVersion(), FormatHandler.SPI_VERSION);
        continue;
      }
      byId.put(h.id(), h); // later registrations replace earlier ones with the same id
    }
    this.handlers = List.copyOf(byId.values());
    this.verifiers = List.copyOf(verifiers);
    Set<String> side = new HashSet<>();
    verifiers.forEach(v -> side.addAll(v.sideFiles()));
    this.sideFileNames = Set.copyOf(side);
  }

  public LoadPolicy policy() {
    return policy;
  }

  /** {@link dev.safeload.SafeModelLoader#load}. */
  public VerifiedModel load(Path path) throws ModelRejectedException, IOException {
    Run run = new Run(path, true);
    try {
      run.execute();
    } catch (RuntimeException | Error | IOException e) {
      run.release();
      throw e;
    }
    List<Finding> all = run.allFindings();
    if (!all.isEmpty()) {
      run.release();
      Log.LOG.log(Level.INFO, "rejected {0}: {1}", path, all.get(0));
      throw new ModelRejectedException(all);
    }
    Log.LOG.log(Level.DEBUG, "loaded {0} ({1} files, {2})", path, run.files.size(), run.mode);
    return new DefaultVerifiedModel(run.root, run.mode, run.served(), run.claims, run.privateDir,
        policy.allowsSymlinks());
  }

  /** {@link dev.safeload.SafeModelLoader#scan}. */
  public ScanReport scan(Path path) throws IOException {
    Run run = new Run(path, false);
    try {
      run.execute();
      List<FileReport> reports = new ArrayList<>();
      for (LoadedFile f : run.files) {
        reports.add(new FileReport(f.name(), f.bytes == null ? -1 : f.bytes.size(),
            f.handler == null ? null : f.format(), f.sha256, f.findings));
      }
      return new ScanReport(run.root, reports, run.modelFindings);
    } finally {
      run.release();
    }
  }

  /** One load or scan of one path. */
  private final class Run {
    final Path root;
    final boolean forLoad;
    final List<Finding> modelFindings = new ArrayList<>();
    final List<LoadedFile> files = new ArrayList<>();
    final Map<String, ByteBuffer> sideFiles = new HashMap<>();
    final List<String> claims = new ArrayList<>();
    boolean directory;
    Delivery mode = Delivery.MAPPED_TRUSTED;
    @Nullable Path privateDir;

    Run(Path path, boolean forLoad) {
      this.root = path.toAbsolutePath().normalize();
      this.forLoad = forLoad;
    }

    void execute() throws IOException {
      BasicFileAttributes rootAttrs = Files.readAttributes(root, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS); // NoSuchFileException for a missing path: an I/O error, not a finding
      if (!policy.allowsSymlinks() && !checkNoSymlinkAncestors(rootAttrs)) {
        return;
      }
      if (policy.allowsSymlinks()) {
        rootAttrs = Files.readAttributes(root, BasicFileAttributes.class);
      }
      if (rootAttrs.isDirectory()) {
        directory = true;
        collectDirectory();
      } else if (rootAttrs.isRegularFile()) {
        Path parent = root.getParent();
        files.add(new LoadedFile(SourceFile.of(root.getFileName().toString(), root, rootAttrs)));
        if (parent != null) {
          for (String side : sideFileNames) {
            Path p = parent.resolve(side).normalize();
            if (!p.equals(root) && p.startsWith(parent) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
              readSideFile(side, p);
            }
          }
        }
      } else {
        modelFindings.add(new Finding(Reason.NOT_REGULAR_FILE, null, Finding.NO_OFFSET,
            "not a regular file or directory: " + root));
        return;
      }
      if (files.isEmpty() && modelFindings.isEmpty()) {
        modelFindings.add(new Finding(Reason.EMPTY_MODEL, null, Finding.NO_OFFSET, "no files to load"));
        return;
      }
      mode = chooseMode();
      if (mode == Delivery.PRIVATE_FILE) {
        privateDir = PrivateDirs.create();
      }
      readAndValidateAll();
      claimReferencedFiles();
      validateAcrossFiles();
      checkProvenance();
    }

    /** Returns false (with a finding) if the root or any directory above it is a symbolic link. */
    private boolean checkNoSymlinkAncestors(BasicFileAttributes rootAttrs) throws IOException {
      if (rootAttrs.isSymbolicLink()) {
        modelFindings.add(new Finding(Reason.SYMLINK, null, Finding.NO_OFFSET,
            "the model path is a symbolic link: " + root));
        return false;
      }
      for (Path p = root.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
        if (Files.isSymbolicLink(p)) {
          modelFindings.add(new Finding(Reason.SYMLINK, null, Finding.NO_OFFSET,
              "a directory above the model is a symbolic link: " + p));
          return false;
        }
      }
      return true;
    }

    private void collectDirectory() throws IOException {
      long maxFiles = policy.get(LoadPolicy.MAX_FILES);
      Set<FileVisitOption> opts = policy.allowsSymlinks()
          ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
      TreeMap<String, LoadedFile> found = new TreeMap<>();
      List<java.nio.file.PathMatcher> ignored = policy.ignoredFiles().stream()
          .map(g -> root.getFileSystem().getPathMatcher("glob:" + g)).toList();
      Files.walkFileTree(root, opts, 64, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String name = relativeName(file);
          if (name == null) {
            return FileVisitResult.CONTINUE;
          }
          Path relative = root.relativize(file);
          if (ignored.stream().anyMatch(m -> m.matches(relative))) {
            return FileVisitResult.CONTINUE; // left out of the model on purpose: not read, not served
          }
          if (attrs.isSymbolicLink()) {
            modelFindings.add(new Finding(Reason.SYMLINK, name, Finding.NO_OFFSET,
                "symbolic link inside the model"));
          } else if (!attrs.isRegularFile()) {
            modelFindings.add(new Finding(Reason.NOT_REGULAR_FILE, name, Finding.NO_OFFSET,
                "not a regular file"));
          } else if (sideFileNames.contains(name)) {
            readSideFile(name, file);
          } else if (found.size() >= maxFiles) {
            modelFindings.add(new Finding(Reason.TOO_MANY_FILES, null, Finding.NO_OFFSET,
                "more than " + maxFiles + " files"));
            return FileVisitResult.TERMINATE;
          } else {
            found.put(name, new LoadedFile(SourceFile.of(name, file, attrs)));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          String name = relativeName(file);
          modelFindings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
          return FileVisitResult.CONTINUE;
        }
      });
      files.addAll(found.values());
    }

    /** The {@code /}-separated name under the root, or null (with a finding) if it cannot be served. */
    private @Nullable String relativeName(Path file) {
      StringBuilder sb = new StringBuilder();
      for (Path part : root.relativize(file)) {
        String s = part.toString();
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c < 0x20 || c == 0x7f || c == '\\') {
            modelFindings.add(new Finding(Reason.FILE_NAME_INVALID, null, Finding.NO_OFFSET,
                "file name with a control character or backslash under " + root));
            return null;
          }
        }
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(s);
      }
      return sb.toString();
    }

    private void readSideFile(String name, Path p) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
          modelFindings.add(new Finding(a.isSymbolicLink() ? Reason.SYMLINK : Reason.NOT_REGULAR_FILE,
              name, Finding.NO_OFFSET, "side file is not a regular file"));
          return;
        }
        if (a.size() > MAX_SIDE_FILE_BYTES) {
          modelFindings.add(new Finding(Reason.FILE_TOO_LARGE, name, Finding.NO_OFFSET,
              "side file larger than " + MAX_SIDE_FILE_BYTES + " bytes"));
          return;
        }
        try (FileChannel ch = SourceReader.open(p, policy.allowsSymlinks())) {
          ByteBuffer buf = ByteBuffer.allocate((int) a.size());
          while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read fully
          }
          if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
            modelFindings.add(new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET,
                "side file changed while being read"));
            return;
          }
          sideFiles.put(name, buf.flip().asReadOnlyBuffer());
        }
      } catch (IOException e) {
        modelFindings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
      }
    }

    private Delivery chooseMode() {
      if (!forLoad) {
        return Delivery.MAPPED_TRUSTED; // a scan hands nothing out: read through a mapping, keep nothing
      }
      if (policy.delivery() != Delivery.AUTOMATIC) {
        return policy.delivery();
      }
      long total = 0;
      for (LoadedFile f : files) {
        total += f.source.size();
      }
      return total <= policy.get(LoadPolicy.MAX_IN_MEMORY_BYTES)
          ? Delivery.COPY_TO_MEMORY : Delivery.PRIVATE_FILE;
    }

    private void readAndValidateAll() throws IOException {
      int threads = (int) Math.min(files.size(), policy.get(LoadPolicy.PARALLELISM));
      if (threads <= 1) {
        for (LoadedFile f : files) {
          processFile(f, policy.get(LoadPolicy.PARALLELISM) > 1);
        }
        return;
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "safeload-reader");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (LoadedFile f : files) {
          futures.add(pool.submit(() -> {
            processFile(f, false);
            return null;
          }));
        }
        for (Future<?> fu : futures) {
          try {
            fu.get();
          } catch (ExecutionException e) {
            throw rethrow(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while loading");
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }

    /**
     * Link checks, one read with hashing, detection, validation. Findings go to the file.
     *
     * <p>A large mapped file with a core to spare ({@code spareCore}: one file read at a time) is
     * validated on a second thread while this one hashes it. Both read the same mapping, which is what
     * a mapped delivery hands out and what a scan reports on, so the bytes validated are the bytes
     * hashed, and the outcome is the sequential one; it takes the longer of the two passes instead of
     * their sum.
     */
    private void processFile(LoadedFile f, boolean spareCore) throws IOException {
      SourceFile src = f.source;
      String name = src.name();
      if (!policy.allowsHardLinks() && !checkLinkCount(f)) {
        return;
      }
      if (src.size() > policy.get(LoadPolicy.MAX_FILE_BYTES)) {
        f.findings.add(new Finding(Reason.FILE_TOO_LARGE, name, Finding.NO_OFFSET,
            src.size() + " bytes is over the limit of " + policy.get(LoadPolicy.MAX_FILE_BYTES)));
        return;
      }
      boolean concurrent = spareCore && mode == Delivery.MAPPED_TRUSTED
          && src.size() >= SourceReader.PREFETCH_MIN_BYTES;
      FutureTask<@Nullable String> validation = null;
      @Nullable Finding failure = null;
      try (FileChannel ch = SourceReader.open(src.path(), policy.allowsSymlinks())) {
        SafeProgress progressOfFile = new SafeProgress(progress, name, src.size());
        if (concurrent) {
          List<ByteBuffer> mapping = SourceReader.mapReadOnly(ch, src.size());
          f.bytes = new ChunkedBytes(mapping);
          validation = startValidation(f);
          f.sha256 = SourceReader.hashMapping(ch, src.size(), mapping, progressOfFile);
        } else {
          ReadBytes read = SourceReader.read(ch, src.size(), mode, privateDirOrRoot(), name, progressOfFile);
          f.bytes = read.bytes();
          f.sha256 = read.sha256();
          f.privateCopy = read.privateCopy();
        }
      } catch (SourceReader.ShortReadException e) {
        failure = new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET, e.getMessage());
      } catch (IOException | UncheckedIOException e) {
        failure = new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e));
      } catch (InternalError e) {
        // A mapped file truncated under us faults on access; HotSpot reports it as InternalError.
        failure = mappingFault(name, e.getMessage());
      }
      @Nullable String validationFault = validation == null ? null : awaitValidation(validation, name);
      if (failure == null && validationFault != null) {
        failure = mappingFault(name, validationFault);
      }
      if (failure != null) {
        discard(f, true, failure);
        return;
      }
      BasicFileAttributes after = Files.readAttributes(src.path(), BasicFileAttributes.class,
          linkOptions(policy.allowsSymlinks()));
      if (!src.sameAs(after)) {
        discard(f, false, new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET,
            "size, modification time or identity changed while reading"));
        return;
      }
      if (validation == null) {
        try {
          detectAndValidate(f);
        } catch (InternalError e) {
          f.findings.add(mappingFault(name, e.getMessage()));
        }
      }
    }

    private Finding mappingFault(String name, @Nullable String message) {
      return new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET,
          "mapped file became inaccessible: " + message);
    }

    /**
     * A file that failed to read or changed while read is reported for that alone, never with a verdict
     * on bytes that may not be the file's (a concurrent validation may already have given one).
     *
     * @param unread whether the read itself failed, so there are no bytes or digest to report
     */
    private void discard(LoadedFile f, boolean unread, Finding reason) {
      f.findings.clear();
      f.description = null;
      f.handler = null;
      f.undetected = false;
      if (unread) {
        f.bytes = null;
        f.sha256 = null;
      }
      f.findings.add(reason);
    }

    /** Detects and validates {@code f}'s mapping on its own thread; the task returns a mapping fault. */
    private FutureTask<@Nullable String> startValidation(LoadedFile f) {
      FutureTask<@Nullable String> task = new FutureTask<>(() -> {
        try {
          detectAndValidate(f);
          return null;
        } catch (InternalError e) {
          return e.getMessage(); // the mapped file was truncated under us
        }
      });
      Thread validator = new Thread(task, "safeload-validate");
      validator.setDaemon(true);
      validator.start();
      return task;
    }

    /** Waits for a validation thread; its own failures are findings already, so only a fault returns. */
    private @Nullable String awaitValidation(FutureTask<@Nullable String> validation,
        String name) throws IOException {
      try {
        return validation.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while validating " + name);
      } catch (ExecutionException e) {
        throw rethrow(e);
      }
    }

    /** Rethrows what a task on another thread threw, as if it had been thrown here. */
    private IllegalStateException rethrow(ExecutionException e) throws IOException {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      return new IllegalStateException(c);
    }

    private Path privateDirOrRoot() {
      return privateDir != null ? privateDir : root;
    }

    private boolean checkLinkCount(LoadedFile f) {
      try {
        Object n = Files.getAttribute(f.source.path(), "unix:nlink", linkOptions(policy.allowsSymlinks()));
        if (n instanceof Integer links && links > 1) {
          f.findings.add(new Finding(Reason.HARDLINK, f.name(), Finding.NO_OFFSET,
              "the file has " + links + " hard links"));
          return false;
        }
        return true;
      } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
        f.findings.add(new Finding(Reason.HARDLINK, f.name(), Finding.NO_OFFSET,
            "cannot read the link count on this file system; allowHardLinks() to skip the check"));
        return false;
      }
    }

    private void detectAndValidate(LoadedFile f) {
      ChunkedBytes bytes = f.bytes;
      String name = f.name();
      ByteBuffer head = bytes.slice(0, (int) Math.min(HEAD_BYTES, bytes.size()));
      FormatHandler best = null;
      Confidence bestConf = Confidence.NONE;
      List<String> tied = new ArrayList<>();
      for (FormatHandler h : handlers) {
        Confidence c;
        try {
          c = h.detect(head.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN), bytes.size());
        } catch (RuntimeException | StackOverflowError e) {
          f.findings.add(new Finding(Reason.HANDLER_ERROR, name, Finding.NO_OFFSET,
              h.id() + " failed to detect: " + e));
          return;
        }
        if (c == null || c == Confidence.NONE) {
          continue;
        }
        if (c.compareTo(bestConf) > 0) {
          best = h;
          bestConf = c;
          tied.clear();
          tied.add(h.id());
        } else if (c == bestConf) {
          tied.add(h.id());
        }
      }
      if (best == null) {
        // Reported after claimReferencedFiles() unless a valid file references it (ONNX external data).
        f.undetected = true;
        return;
      }
      if (tied.size() > 1) {
        f.findings.add(new Finding(Reason.AMBIGUOUS_FORMAT, name, 0,
            "the content reads as each of " + tied));
        return;
      }
      f.handler = best;
      if (!policy.allowedFormats().contains(best.id())) {
        f.findings.add(new Finding(Reason.FORMAT_NOT_ALLOWED, name, 0,
            "format " + best.id() + " is not allowed by the policy"));
        return;
      }
      String ext = extension(name);
      if (!best.extensions().contains(ext)) {
        f.findings.add(new Finding(Reason.EXTENSION_MISMATCH, name, Finding.NO_OFFSET,
            "content is " + best.id() + " but the name ends in '" + (ext.isEmpty() ? "" : "." + ext)
                + "'; expected one of " + best.extensions()));
        // Keep validating: the report should also say whether the content itself is sound.
      }
      FileContext ctx = new FileContext(name, policy, f.findings);
      FormatHandler handler = best;
      f.description = callHandler(ctx, handler.id() + " failed", () -> {
        ModelDescription d = handler.validate(bytes, ctx);
        if (d == null) {
          throw new IllegalStateException(handler.id() + " returned no description");
        }
        return d;
      });
    }

    /**
     * Runs handler code: a {@link FormatException} becomes its finding, any other failure becomes
     * {@code HANDLER_ERROR} (fail closed: a crashing handler never lets a file through).
     *
     * @return the call's result, or null if it failed
     */
    private <T> @Nullable T callHandler(FileContext ctx, String what, java.util.function.Supplier<T> call) {
      try {
        return call.get();
      } catch (FormatException e) {
        ctx.report(e.reason(), e.offset(), e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        ctx.report(Reason.HANDLER_ERROR, Finding.NO_OFFSET, what + ": " + e);
      }
      return null;
    }

    /**
     * Offers each undetected file to the handler of the first valid file that references it
     * ({@link FormatHandler#validateReferenced}); files nobody claims are {@code UNKNOWN_FORMAT}.
     */
    private void claimReferencedFiles() {
      Map<String, LoadedFile> undetected = new TreeMap<>();
      for (LoadedFile f : files) {
        if (f.undetected && f.findings.isEmpty()) {
          undetected.put(f.name(), f);
        }
      }
      if (!undetected.isEmpty()) {
        Set<String> claimedExtensions = new HashSet<>();
        handlers.forEach(h -> claimedExtensions.addAll(h.exclusiveExtensions()));
        for (LoadedFile referrer : files) {
          if (!referrer.accepted() || referrer.handler == null) {
            continue;
          }
          String dir = referrer.name().substring(0, referrer.name().lastIndexOf('/') + 1);
          for (String ref : referrer.description().references()) {
            LoadedFile target = undetected.remove(normaliseReference(dir + ref));
            if (target != null) {
              claim(referrer, target, claimedExtensions);
            }
          }
        }
      }
      for (LoadedFile f : files) {
        if (f.undetected && f.description == null && f.findings.isEmpty()) {
          f.findings.add(new Finding(Reason.UNKNOWN_FORMAT, f.name(), 0, "no handler recognises the content"));
        }
      }
    }

    private void claim(LoadedFile referrer, LoadedFile target, Set<String> claimedExtensions) {
      FormatHandler h = referrer.handler;
      String ext = extension(target.name());
      if (claimedExtensions.contains(ext)) {
        target.findings.add(new Finding(Reason.EXTENSION_MISMATCH, target.name(), Finding.NO_OFFSET,
            "referenced by " + referrer.name() + " as data, but the name ends in '." + ext
                + "', which names a model format"));
        return;
      }
      FileContext ctx = new FileContext(target.name(), policy, target.findings);
      ModelDescription d = callHandler(ctx, h.id() + " failed on a referenced file",
          () -> h.validateReferenced(referrer, target.name(), target.bytes(), ctx));
      if (d != null && target.findings.isEmpty()) {
        target.handler = h;
        target.claimedFormat = d.format();
        target.description = d;
      }
    }

    private void validateAcrossFiles() {
      ModelView view = new View();
      for (LoadedFile f : files) {
        if (!f.accepted()) {
          continue;
        }
        FileContext ctx = new FileContext(f.name(), policy, f.findings);
        FormatHandler handler = f.handler;
        callHandler(ctx, f.format() + " failed across files", () -> {
          handler.validateModel(f, view, ctx);
          return null;
        });
      }
    }

    private void checkProvenance() {
      List<DigestedFile> digested = new ArrayList<>();
      for (LoadedFile f : files) {
        if (f.sha256 != null) {
          digested.add(new DigestedFile(f.name(), f.bytes.size(), f.sha256));
        }
      }
      Map<String, DigestedFile> byName = new HashMap<>();
      digested.forEach(d -> byName.put(d.name(), d));
      Map<String, LoadedFile> byFile = new HashMap<>();
      files.forEach(f -> byFile.put(f.name(), f));
      DigestedModel model = new DigestedModel() {
        @Override
        public boolean isDirectory() {
          return directory;
        }

        @Override
        public List<DigestedFile> files() {
          return List.copyOf(digested);
        }

        @Override
        public Optional<DigestedFile> file(String name) {
          return Optional.ofNullable(byName.get(name));
        }

        @Override
        public Optional<ByteBuffer> sideFile(String name) {
          ByteBuffer b = sideFiles.get(name);
          return b == null ? Optional.empty() : Optional.of(b.duplicate());
        }

        @Override
        public Optional<Sha256> rangeSha256(String name, long start, long end) {
          LoadedFile f = byFile.get(name);
          ChunkedBytes bytes = f == null || f.sha256 == null ? null : f.bytes;
          if (bytes == null || start < 0 || end < start || end > bytes.size()) {
            return Optional.empty();
          }
          return Optional.of(Digests.sha256Range(bytes, start, end));
        }
      };
      Set<String> proven = new HashSet<>();
      for (ProvenanceVerifier v : verifiers) {
        ProvenanceResult r;
        try {
          r = v.verify(model);
        } catch (RuntimeException e) {
          modelFindings.add(new Finding(Reason.VERIFIER_ERROR, null, Finding.NO_OFFSET,
              "verifier " + v.id() + " failed: " + e));
          continue;
        }
        proven.addAll(r.proven());
        claims.addAll(r.claims());
        for (Finding finding : r.findings()) {
          LoadedFile target = finding.file() == null ? null : byFile.get(finding.file());
          (target != null ? target.findings : modelFindings).add(finding);
        }
      }
      if (forLoad && policy.requiresProvenance()) {
        for (LoadedFile f : files) {
          if (f.sha256 != null && !proven.contains(f.name())) {
            f.findings.add(new Finding(Reason.UNPROVEN_FILE, f.name(), Finding.NO_OFFSET,
                verifiers.isEmpty()
                    ? "no pins or signatures configured; the policy requires proof of provenance"
                    : "no pin or signature covers this file"));
          }
        }
      }
    }

    List<Finding> allFindings() {
      List<Finding> all = new ArrayList<>(modelFindings);
      files.forEach(f -> all.addAll(f.findings));
      return all;
    }

    List<DefaultVerifiedModel.Entry> served() {
      List<DefaultVerifiedModel.Entry> out = new ArrayList<>();
      for (LoadedFile f : files) {
        out.add(new DefaultVerifiedModel.Entry(f.name(), f.bytes, f.sha256, f.format(),
            f.description, f.source, f.privateCopy));
      }
      out.sort(Comparator.comparing(DefaultVerifiedModel.Entry::name));
      return out;
    }

    /** Drops references and deletes the private directory, after a rejection or a scan. */
    void release() {
      for (LoadedFile f : files) {
        f.bytes = null;
      }
      if (privateDir != null) {
        PrivateDirs.deleteQuietly(privateDir);
      }
    }

    private final class View implements ModelView {
      @Override
      public boolean isDirectory() {
        return directory;
      }

      @Override
      public List<String> fileNames() {
        return files.stream().map(LoadedFile::name).toList();
      }

      @Override
      public Optional<ValidatedFile> file(String name) {
        for (LoadedFile f : files) {
          if (f.name().equals(name) && f.accepted() && f.bytes != null) {
            return Optional.of(f);
          }
        }
        return Optional.empty();
      }
    }
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

  /** The lower-case text after the last dot of the last path segment, or "" if none. */
  static String extension(String name) {
    String last = name.substring(name.lastIndexOf('/') + 1);
    int dot = last.lastIndexOf('.');
    return dot <= 0 ? "" : last.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
