package dev.safeload.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's Java code blocks <em>as written</em>, so the README cannot drift from the
 * library.
 *
 * <p>A hand-written copy of the examples drifts: its paths, its pins and its error handling stop
 * being the README's. Here every {@code ```java} block of {@code ../README.md} is extracted,
 * wrapped unchanged as the body of {@code main} in a generated class (the imports the README leaves
 * out, a {@code log} whose {@code warn} prints a marker to stderr since the README's {@code catch}
 * block logs, and, where a block uses a variable of an earlier block, its minimal definition),
 * compiled with the system Java compiler against the test class path, and run in a JVM of its own
 * whose working directory holds what the block's relative paths name: {@code models/llama} with
 * {@code models.pins.json} written as {@code safeload pin} writes it, or {@code models/llama}
 * signed with {@code signer.pub.pem}, or the ONNX model as {@code models/matmul_add.onnx} and
 * {@code models/matmul_add/model.onnx}. A block passes when it exits 0 without logging; the
 * front-door block also runs on a directory with a planted file, where its {@code catch} block must
 * log the rejection. A block that is a whole JUnit test class (the test kit's) is compiled as
 * written, with only a {@code package} line added, and run through the JUnit launcher by a
 * generated runner, once as laid out and once with a planted file that its tests must fail on.
 * {@link ReadmeExamplesTest} adds assertions on what the examples deliver.
 *
 * <p>One JVM per block because ONNX Runtime and DJL cannot share one unless DJL's engine starts
 * first (see this module's surefire configuration), which is also why the README's ONNX Runtime and
 * DJL examples are separate blocks. {@link #SNIPPETS} lists every block in README order: a block
 * added to, removed from or reordered in the README fails every test here until that list is
 * updated.
 */
// Slow: a JVM of its own per README block (see the root pom: -Pquick skips the "slow" tag).
@Tag("slow")
class ReadmeSnippetsTest {
  /** Surefire runs in the module directory. */
  static final Path README = Path.of("../README.md");

  /** What the generated {@code log.warn} prints before each message. */
  static final String WARN = "[readme-snippet] WARN ";

  static final String PACKAGE = "readme";

  static final List<String> IMPORTS =
      List.of(
          "dev.safeload.*",
          "dev.safeload.verify.*",
          "dev.safeload.verify.signing.*",
          "dev.safeload.bom.*",
          "dev.safeload.provenance.*",
          "java.nio.*",
          "java.nio.file.*",
          "java.util.*");
  static final List<String> ORT_IMPORTS = List.of("ai.onnxruntime.*");
  static final List<String> DJL_IMPORTS =
      List.of(
          "ai.djl.inference.*",
          "ai.djl.ndarray.*",
          "ai.djl.ndarray.types.*",
          "ai.djl.repository.zoo.*");

  /**
   * The engine blocks use the {@code loader} of an earlier block. The minimal one that can load the
   * unpinned ONNX model: the README's relaxed policy ({@code allowUnpinnedFiles()}).
   */
  static final String ENGINE_LOADER =
      """
      // Not in this README block: the engine examples use `loader` from an earlier block. The minimal
      // definition that loads the (unpinned) ONNX model is the README's relaxed policy.
      SafeModelLoader loader = SafeModelLoader.builder()
          .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
          .build();
      """;

  /** The BOM block uses a {@code PinSet pins}: the front-door block's pin file, as a variable. */
  static final String BOM_PINS =
      """
      // Not in this README block: `pins`, the front-door block's pin file.
      PinSet pins = PinSet.load(Path.of("models.pins.json"));
      """;

  /** Writes the files a block's relative paths name into its working directory. */
  interface Layout {
    void writeTo(Path dir) throws Exception;
  }

  /**
   * {@code models/llama} and {@code models.pins.json} as {@code safeload pin models/llama} writes
   * it.
   */
  static final Layout PINNED_LLAMA =
      dir ->
          ReadmeFixtures.pin(
              ReadmeFixtures.writeLlama(dir.resolve("models/llama")),
              "models/llama",
              dir.resolve("models.pins.json"));

  /**
   * {@code models/llama} signed (its {@code model.sig}) and {@code signer.pub.pem}: what the
   * signature block's loader needs to load it. Not combined with the pins: without a signature
   * verifier {@code model.sig} is an ordinary file (JSON named {@code .sig}: {@code
   * EXTENSION_MISMATCH}), so {@code safeload pin} refuses a signed directory.
   */
  static final Layout SIGNED_LLAMA =
      dir -> ReadmeFixtures.sign(ReadmeFixtures.writeLlama(dir.resolve("models/llama")), dir);

  /**
   * What the attestation block's loader is built from: the signed llama, and the trusted root and
   * an attestation bundle of the test Sigstore instance the CLI's attestation tests use (they
   * attest the CLI's toy model, so the block builds its loader over them without loading the
   * llama).
   */
  static final Layout ATTESTED_LLAMA =
      dir -> {
        SIGNED_LLAMA.writeTo(dir);
        Path fixtures = Path.of("../cli/src/test/resources/attestation");
        Files.copy(fixtures.resolve("trusted_root.json"), dir.resolve("trusted_root.json"));
        Files.copy(fixtures.resolve("model.intoto.jsonl"), dir.resolve("llama.intoto.jsonl"));
      };

  /** The model of {@link OnnxRuntimeTest} as a single file and as a directory. */
  static final Layout ONNX_MODELS =
      dir -> {
        byte[] onnx = OnnxRuntimeTest.fixture("matmul_add.onnx");
        Files.write(
            Files.createDirectories(dir.resolve("models")).resolve("matmul_add.onnx"), onnx);
        Files.write(
            Files.createDirectories(dir.resolve("models/matmul_add")).resolve("model.onnx"), onnx);
      };

  static final List<String> PYTORCH_IMPORTS =
      List.of(
          "ai.djl.Model",
          "ai.djl.inference.*",
          "ai.djl.ndarray.*",
          "ai.djl.ndarray.types.*",
          "ai.djl.translate.NoopTranslator");

  /** The traced CNN of {@link DjlPyTorchTest} (torch 1.13) in its own directory. */
  static final Layout TORCHSCRIPT_MODEL =
      dir ->
          Files.write(
              Files.createDirectories(dir.resolve("models/cnn_traced")).resolve("cnn_traced.pt"),
              DjlPyTorchTest.resource("cnn_traced.pt"));

  /**
   * One README block: the generated class's name, a string only that block contains, the imports
   * and the definitions of earlier blocks' variables it needs, and the files it reads.
   */
  record Snippet(
      String name,
      String marker,
      List<String> extraImports,
      String prelude,
      Layout layout,
      boolean testClass) {
    /** A block of statements, run as the body of a generated {@code main}. */
    Snippet(String name, String marker, List<String> extraImports, String prelude, Layout layout) {
      this(name, marker, extraImports, prelude, layout, false);
    }

    /**
     * A block that is a whole JUnit test class: compiled as written and run through the launcher.
     */
    static Snippet testClass(String name, String marker, Layout layout) {
      return new Snippet(name, marker, List.of(), "", layout, true);
    }

    String className() {
      return "Readme" + name;
    }
  }

  /** Every {@code ```java} block of the README, in order. */
  static final List<Snippet> SNIPPETS =
      List.of(
          new Snippet(
              "FrontDoor",
              "PinSet.load(Path.of(\"models.pins.json\"))",
              List.of(),
              "",
              PINNED_LLAMA),
          new Snippet("RelaxedPolicy", "LoadPolicy relaxed =", List.of(), "", dir -> {}),
          new Snippet(
              "LicencePolicy",
              ".allowLicenses(\"Apache-2.0\", \"MIT\")",
              List.of(),
              "",
              PINNED_LLAMA),
          new Snippet(
              "Signature",
              "model.sig beside the files; every file must be signed",
              List.of(),
              "",
              SIGNED_LLAMA),
          new Snippet(
              "Attestation",
              "AttestationPolicy.repository(\"acme/models\"",
              List.of("dev.safeload.verify.attestation.*"),
              "",
              ATTESTED_LLAMA),
          new Snippet("OnnxRuntime", "env.createSession(", ORT_IMPORTS, ENGINE_LOADER, ONNX_MODELS),
          new Snippet("Djl", "Criteria.builder()", DJL_IMPORTS, ENGINE_LOADER, ONNX_MODELS),
          new Snippet(
              "DjlPyTorch",
              "Model.newInstance(\"cnn_traced\", \"PyTorch\")",
              PYTORCH_IMPORTS,
              ENGINE_LOADER,
              TORCHSCRIPT_MODEL),
          new Snippet(
              "ModelSources", "ModelSource.classpath(", ORT_IMPORTS, ENGINE_LOADER, ONNX_MODELS),
          new Snippet("AiBom", "AiBom.builder()", List.of(), BOM_PINS, PINNED_LLAMA),
          Snippet.testClass("TestKit", "@ModelFiles(value = \"models\"", PINNED_LLAMA));

  /** The class a test-class block declares: its first top-level {@code class}. */
  static final Pattern DECLARED_CLASS =
      Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");

  /** Test classes declared by README blocks, by snippet name; filled while compiling. */
  static final Map<String, String> TEST_CLASSES = new HashMap<>();

  /**
   * Runs one test class through the JUnit launcher, as a build would, and prints the counts on
   * stdout and each failure on stderr. Exit 0 only if at least one test ran and none failed.
   */
  static final String JUNIT_RUNNER =
      """
      package readme;

      import org.junit.platform.engine.discovery.DiscoverySelectors;
      import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
      import org.junit.platform.launcher.core.LauncherFactory;
      import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
      import org.junit.platform.launcher.listeners.TestExecutionSummary;

      /** Generated by ReadmeSnippetsTest: runs a README test class through the JUnit launcher. */
      public final class ReadmeJUnitRunner {
        public static void main(String[] args) throws Exception {
          SummaryGeneratingListener listener = new SummaryGeneratingListener();
          LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
              .selectors(DiscoverySelectors.selectClass(Class.forName(args[0]))).build(), listener);
          TestExecutionSummary s = listener.getSummary();
          s.getFailures().forEach(f -> System.err.println(f.getTestIdentifier().getDisplayName() + ": "
              + f.getException()));
          System.out.println("tests succeeded: " + s.getTestsSucceededCount() + ", failed: "
              + s.getTotalFailureCount());
          System.exit(s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
        }
      }
      """;

  @TempDir static Path build;
  static Path classes;

  @TempDir Path work;

  /** A block's code and the README line its first line of code is on. */
  record Block(String code, int line) {}

  static List<Block> javaBlocks(String markdown) {
    Matcher m = Pattern.compile("(?ms)^```java[ \\t]*\\n(.*?)^```[ \\t]*$").matcher(markdown);
    List<Block> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(new Block(m.group(1), lineOf(markdown, m.start(1))));
    }
    int fences = markdown.split("```java", -1).length - 1;
    assertEquals(
        fences,
        blocks.size(),
        "a ```java fence that is not a block at the start of a line, or unclosed");
    return blocks;
  }

  /** The 1-based line number of {@code index} in {@code text}. */
  static int lineOf(String text, int index) {
    return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
  }

  /** Extracts and checks the README's blocks, generates one class per block and compiles them. */
  @BeforeAll
  static void compileReadmeBlocks() throws Exception {
    List<Block> blocks = javaBlocks(Files.readString(README, UTF_8));
    assertFalse(blocks.isEmpty(), README.toAbsolutePath() + " has no ```java blocks");
    assertEquals(
        SNIPPETS.size(),
        blocks.size(),
        "README.md has "
            + blocks.size()
            + " ```java blocks but "
            + SNIPPETS.size()
            + " are covered by ReadmeSnippetsTest.SNIPPETS: add, remove or reorder them there");
    Path src = Files.createDirectories(build.resolve("src").resolve(PACKAGE));
    classes = Files.createDirectories(build.resolve("classes"));
    List<Path> sources = new ArrayList<>();
    Map<String, Block> blockOf = new HashMap<>(); // generated file name -> its block
    Map<String, Integer> firstCodeLine =
        new HashMap<>(); // generated file name -> line of the block's code
    for (int i = 0; i < blocks.size(); i++) {
      Snippet s = SNIPPETS.get(i);
      Block b = blocks.get(i);
      assertTrue(
          b.code().contains(s.marker()),
          "README.md ```java block "
              + (i + 1)
              + " (line "
              + b.line()
              + ") is not the one ReadmeSnippetsTest.SNIPPETS expects there ("
              + s.name()
              + ", containing "
              + s.marker()
              + "):\n"
              + b.code());
      for (int j = 0; j < SNIPPETS.size(); j++) {
        assertTrue(
            j == i || !b.code().contains(SNIPPETS.get(j).marker()),
            "README.md ```java block "
                + (i + 1)
                + " also contains the marker of "
                + SNIPPETS.get(j).name());
      }
      String java;
      if (s.testClass()) {
        Matcher declared = DECLARED_CLASS.matcher(b.code());
        assertTrue(declared.find(), "README.md ```java block " + (i + 1) + " declares no class");
        TEST_CLASSES.put(s.name(), PACKAGE + "." + declared.group(1));
        java =
            "package "
                + PACKAGE
                + ";\n\n// Generated by ReadmeSnippetsTest from README.md line "
                + b.line()
                + ", as written\n"
                + b.code();
      } else {
        java = wrap(s, b);
      }
      blockOf.put(s.className() + ".java", b);
      firstCodeLine.put(s.className() + ".java", lineOf(java, java.indexOf(b.code())));
      sources.add(Files.writeString(src.resolve(s.className() + ".java"), java));
    }

    sources.add(Files.writeString(src.resolve("ReadmeJUnitRunner.java"), JUNIT_RUNNER));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertTrue(javac != null, "no system Java compiler: run the tests on a JDK");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, UTF_8)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-proc:none",
              "-encoding",
              "UTF-8",
              "-classpath",
              System.getProperty("java.class.path"),
              "-d",
              classes.toString());
      boolean ok =
          javac
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      List<Diagnostic<? extends JavaFileObject>> errors =
          diagnostics.getDiagnostics().stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .toList();
      if (!ok || !errors.isEmpty()) {
        StringBuilder report = new StringBuilder("README.md ```java blocks do not compile:\n");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          String file =
              d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName().toString();
          report.append(d.getKind()).append(' ').append(file).append(':').append(d.getLineNumber());
          if (blockOf.containsKey(file)) {
            long inBlock = d.getLineNumber() - firstCodeLine.get(file);
            if (inBlock >= 0 && inBlock < blockOf.get(file).code().lines().count()) {
              report.append(" (README.md:").append(blockOf.get(file).line() + inBlock).append(')');
            }
          }
          report.append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
        }
        for (Path p : sources) {
          List<String> lines = Files.readAllLines(p, UTF_8);
          report
              .append("--- ")
              .append(p.getFileName())
              .append('\n')
              .append(
                  IntStream.range(0, lines.size())
                      .mapToObj(n -> String.format(Locale.ROOT, "%4d  %s", n + 1, lines.get(n)))
                      .collect(Collectors.joining("\n")))
              .append('\n');
        }
        fail(report.toString());
      }
    }
  }

  /**
   * The generated class: imports, the logger the README's catch block uses, the block as {@code
   * main}.
   */
  static String wrap(Snippet s, Block b) {
    StringBuilder j = new StringBuilder("package " + PACKAGE + ";\n\n");
    for (String i : IMPORTS) {
      j.append("import ").append(i).append(";\n");
    }
    for (String i : s.extraImports()) {
      j.append("import ").append(i).append(";\n");
    }
    j.append(
        """

        /** Generated by ReadmeSnippetsTest from README.md. */
        public final class %s {
          /** The SLF4J-style logger the README's catch block calls; prints to stderr. */
          static final Log log = new Log();

          static final class Log {
            void warn(String format, Object... args) {
              StringBuilder line = new StringBuilder(%s);
              int from = 0;
              int arg = 0;
              for (int at = format.indexOf("{}"); at >= 0; at = format.indexOf("{}", from)) {
                line.append(format, from, at).append(arg < args.length ? args[arg++] : "{}");
                from = at + 2;
              }
              System.err.println(line.append(format.substring(from)));
            }
          }

          public static void main(String[] args) throws Exception {
        """
            .formatted(s.className(), javaString(WARN)));
    j.append(s.prelude().indent(4));
    j.append("    // ---- README.md line ").append(b.line()).append(", as written ----\n");
    j.append(b.code());
    j.append("    // ---- end of the README block ----\n  }\n}\n");
    return j.toString();
  }

  private static String javaString(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  record Run(int exit, String stdout, String stderr) {
    List<String> warnings() {
      return stderr
          .lines()
          .filter(l -> l.startsWith(WARN))
          .map(l -> l.substring(WARN.length()))
          .toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Runs a compiled block in its own JVM with {@code dir} as the working directory. */
  static Run run(Snippet s, Path dir) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path")));
    for (String p :
        List.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "ai.djl.offline", "ai.djl.default_engine")) {
      String v = System.getProperty(p); // set by this module's surefire configuration
      if (v != null) {
        cmd.add("-D" + p + "=" + v);
      }
    }
    if (s.testClass()) {
      cmd.add(PACKAGE + ".ReadmeJUnitRunner");
      cmd.add(TEST_CLASSES.get(s.name()));
    } else {
      cmd.add(PACKAGE + "." + s.className());
    }
    Path out = Files.createTempFile(build, s.name(), ".out");
    Path err = Files.createTempFile(build, s.name(), ".err");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(s.name() + " did not finish within 120 s:\n" + Files.readString(err, UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
  }

  static Snippet snippet(String name) {
    return SNIPPETS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /** Exit 0 and nothing logged through {@code log.warn}. */
  static void assertCleanRun(Snippet s, Path dir) throws Exception {
    s.layout().writeTo(dir);
    Run r = run(s, dir);
    assertEquals(0, r.exit(), s.name() + " failed: " + r);
    assertFalse(r.stderr().contains(WARN), s.name() + " logged: " + r);
  }

  @Test
  void frontDoorLoadsThePinnedModelAndItsCatchBlockReportsAPlantedFile() throws Exception {
    Snippet frontDoor = snippet("FrontDoor");
    assertCleanRun(frontDoor, work);

    Files.writeString(work.resolve("models/llama/extra.json"), "{}");
    Run r = run(frontDoor, work);
    assertEquals(0, r.exit(), "the catch block handles the rejection: " + r);
    // Each finding logged as "code file@offset: message"; -1 is Finding.NO_OFFSET.
    assertEquals(
        List.of("PIN_FILE_NOT_PINNED extra.json@-1", "UNPROVEN_FILE extra.json@-1"),
        r.warnings().stream().map(w -> w.split(": ", 2)[0]).toList(),
        r.toString());
  }

  @Test
  void relaxedPolicy() throws Exception {
    assertCleanRun(snippet("RelaxedPolicy"), work);
  }

  @Test
  void signatureLoader() throws Exception {
    assertCleanRun(snippet("Signature"), work);
  }

  @Test
  void onnxRuntimeFromTheVerifiedBuffer() throws Exception {
    assertCleanRun(snippet("OnnxRuntime"), work);
  }

  @Test
  void djlFromTheMaterializedCopy() throws Exception {
    assertCleanRun(snippet("Djl"), work);
  }

  @Test
  void djlPyTorchRunsTheVerifiedTorchScriptModel() throws Exception {
    assertCleanRun(snippet("DjlPyTorch"), work);
  }

  /** The jar block loads the real langchain4j jar on this module's test class path. */
  @Test
  void modelsFromAJarAndFromStreamsLoadAndOpenInOnnxRuntime() throws Exception {
    assertCleanRun(snippet("ModelSources"), work);
  }

  @Test
  void aiBomOfTheLoadedModelNamesItsPinnedFile() throws Exception {
    Snippet s = snippet("AiBom");
    assertCleanRun(s, work);
    // Once from the CycloneDX BOM, once from the SPDX document of the same load.
    assertEquals("llama / model.safetensors\nllama / model.safetensors\n", run(s, work).stdout());
    assertTrue(
        Files.readString(work.resolve("llama.cdx.json"))
            .contains("\"technique\":\"hash-comparison\""));
    assertTrue(
        Files.readString(work.resolve("llama.spdx.json")).contains("\"type\":\"ai_AIPackage\""));
  }

  @Test
  void testKitGatesTheShippedFilesAndCatchesAPlantedOne() throws Exception {
    Snippet s = snippet("TestKit");
    s.layout().writeTo(work);
    Run r = run(s, work);
    assertEquals(0, r.exit(), r::toString);
    // config.json and model.safetensors through @ModelFiles, then the pinned load.
    assertEquals("tests succeeded: 3, failed: 0\n", r.stdout(), r::toString);

    Files.writeString(work.resolve("models/llama/extra.json"), "{\"a\": 1, \"a\": 2}");
    Run planted = run(s, work);
    assertEquals(1, planted.exit(), planted::toString);
    // The planted file fails its own test (a duplicate key) and the pinned load (not pinned).
    assertEquals("tests succeeded: 2, failed: 2\n", planted.stdout(), planted::toString);
    assertTrue(planted.stderr().contains("\n  JSON_DUPLICATE_KEY extra.json@"), planted::toString);
    assertTrue(planted.stderr().contains("\n  PIN_FILE_NOT_PINNED extra.json"), planted::toString);
  }
}
