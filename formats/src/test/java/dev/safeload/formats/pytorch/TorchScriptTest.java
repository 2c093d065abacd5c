package dev.safeload.formats.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TorchScript archives written by torch 1.13 are admitted; each refusal rule with its exact code.
 */
class TorchScriptTest {
  @TempDir Path dir;

  static final List<String> FIXTURES =
      List.of("cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced", "setstate_scripted");

  @ParameterizedTest
  @ValueSource(
      strings = {"cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced", "setstate_scripted"})
  void realExportsAreAdmitted(String name) {
    ScanReport r = Scans.scan(Scans.resource("torchscript/" + name + ".pt"));
    assertTrue(r.accepted(), () -> name + ": " + Scans.describe(r));
    ModelDescription d = describe(Scans.read(Scans.resource("torchscript/" + name + ".pt")));
    assertEquals("torchscript", d.metadata().get("pytorch.layout"));
    assertEquals(
        TorchScriptProfile.strict().operatorsSha256(),
        d.metadata().get("torchscript.operators.sha256"));
    assertTrue(d.tensors().size() > 0, d::toString);
  }

  static ModelDescription describe(byte[] bytes) {
    return new PyTorchHandler()
        .validate(
            ModelBytes.of(ByteBuffer.wrap(bytes)),
            ValidationContext.collecting("model.pt", LoadPolicy.strict(), new ArrayList<>()));
  }

  /**
   * The rewritten archive unchanged is admitted: the helper itself does not cause the refusals
   * below.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced", "setstate_scripted"})
  void rewrittenFixtureStillAdmitted(String name) {
    ScanReport r = scan(TorchScriptArchives.fixture(name));
    assertTrue(r.accepted(), () -> name + ": " + Scans.describe(r));
  }

  /**
   * A checkpoint name promises weights, and torch.load would run the program: refused whatever it
   * computes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"pytorch_model.bin", "model.ckpt", "weights.BIN"})
  void programUnderACheckpointNameIsRefused(String name) {
    ScanReport r = Scans.scanBytes(dir, name, TorchScriptArchives.fixture("mlp_scripted").write());
    assertEquals(Set.of("PYTORCH_TORCHSCRIPT"), Scans.reasons(r), () -> Scans.describe(r));
  }

  ScanReport scan(TorchScriptArchives a) {
    return Scans.scanBytes(dir, "model.pt", a.write());
  }

  void refused(TorchScriptArchives a, String code, String... inMessage) {
    ScanReport r = scan(a);
    assertEquals(Set.of(code), Scans.reasons(r), () -> Scans.describe(r));
    String msg = Scans.describe(r);
    for (String s : inMessage) {
      assertTrue(msg.contains(s), () -> "'" + s + "' not in: " + msg);
    }
  }

  static final String SETSTATE = "code/__torch__.py";

  static TorchScriptArchives setstate() {
    return TorchScriptArchives.fixture("setstate_scripted");
  }

  /** The setstate fixture's forward with one line of code in place of its first statement. */
  static TorchScriptArchives forward(String line) {
    return setstate()
        .replace(
            SETSTATE,
            "    weight = self.weight\n    _0 = torch.matmul(x, weight)\n",
            "    weight = self.weight\n" + line + "\n    _0 = torch.matmul(x, weight)\n");
  }

  /**
   * Scripted F.alpha_dropout and F.feature_alpha_dropout compile their in-place branches: the
   * in-place twins of admitted compute kernels.
   */
  @ParameterizedTest
  @ValueSource(strings = {"alpha_dropout_", "feature_alpha_dropout_", "feature_dropout_"})
  void inPlaceDropoutsAreCompute(String op) {
    ScanReport r = scan(forward("    _9 = torch." + op + "(weight, 0.5, True)"));
    assertTrue(r.accepted(), () -> op + ": " + Scans.describe(r));
  }

  @org.junit.jupiter.api.Test
  void fileWriteInForwardIsDenied() {
    refused(
        forward("    _9 = torch.save(weight, \"/tmp/pwned\")"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::save",
        "code/__torch__.py:11:10",
        "io");
  }

  @org.junit.jupiter.api.Test
  void fileWriteInSetstateIsDenied() {
    refused(
        setstate()
            .replace(
                SETSTATE,
                "    self.training = (state)[2]\n",
                "    self.training = (state)[2]\n    torch.save((state)[0], \"/tmp/pwned\")\n"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::save",
        "code/__torch__.py:24:5");
  }

  @org.junit.jupiter.api.Test
  void fileReadIsDenied() {
    refused(
        forward("    _9 = torch.from_file(\"/etc/passwd\", True, 16)"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::from_file");
  }

  @org.junit.jupiter.api.Test
  void deadCodeCountsToo() {
    refused(
        setstate()
            .replace(
                SETSTATE,
                "  def __getstate__(",
                "  def unused(self: __torch__.Stateful) -> NoneType:\n"
                    + "    torch.save(self.weight, \"/tmp/p\")\n    return None\n  def __getstate__("),
        "TORCHSCRIPT_OP_DENIED",
        "aten::save");
  }

  @org.junit.jupiter.api.Test
  void customOpNamespaceIsUnknown() {
    refused(
        forward("    _9 = ops.evil.run(weight)"),
        "TORCHSCRIPT_OP_UNKNOWN",
        "evil::run",
        "namespace 'evil'");
  }

  @org.junit.jupiter.api.Test
  void unlistedAtenOpIsUnknown() {
    refused(
        forward("    _9 = torch.no_such_op(weight)"), "TORCHSCRIPT_OP_UNKNOWN", "aten::no_such_op");
  }

  @org.junit.jupiter.api.Test
  void deniedTiersAreNamed() {
    refused(forward("    print(weight)"), "TORCHSCRIPT_OP_DENIED", "prim::Print", "output");
    refused(forward("    _9 = ops.prim.id(weight)"), "TORCHSCRIPT_OP_DENIED", "prim::id", "leak");
    refused(forward("    _9 = fork(weight)"), "TORCHSCRIPT_OP_DENIED", "prim::fork", "concurrency");
    refused(
        forward("    _9 = torch.manual_seed(1)"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::manual_seed",
        "state");
    refused(
        forward("    _9 = torch.as_strided(weight, [9], [1])"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::as_strided",
        "memory");
    refused(forward("    _9 = ops.prim.rpc_async()"), "TORCHSCRIPT_OP_DENIED", "distributed");
    refused(
        forward("    _9 = ops.profiler._record_function_enter(\"x\")"),
        "TORCHSCRIPT_OP_UNKNOWN",
        "namespace 'profiler'");
  }

  @org.junit.jupiter.api.Test
  void nonCanonicalFormsAreRefused() {
    refused(
        setstate().code(SETSTATE, "import os\n" + setstate().text(SETSTATE)),
        "TORCHSCRIPT_NONCANONICAL",
        "import");
    refused(
        forward("    _9 = torch.ops.aten.add(weight, weight)"),
        "TORCHSCRIPT_NONCANONICAL",
        "torch.ops");
    refused(
        forward("    _9 = ops.aten.add.Tensor(weight, weight)"),
        "TORCHSCRIPT_NONCANONICAL",
        "overload");
    refused(forward("    _9 = weight + weight"), "TORCHSCRIPT_NONCANONICAL", "operator '+'");
    refused(forward("    _9 = weight.add(weight)"), "TORCHSCRIPT_NONCANONICAL", "tensor-method");
    refused(forward("    _9 = getattr(self, x)"), "TORCHSCRIPT_NONCANONICAL", "computed attribute");
    refused(forward("    _9 = weight # note"), "TORCHSCRIPT_NONCANONICAL", "comment");
    refused(forward("    _9 = torch.add(weight, -weight)"), "TORCHSCRIPT_NONCANONICAL", "unary");
  }

  /**
   * The printer writes a float constant with its sign: {@code -inf}, and {@code -nan} for the NaN
   * that {@code 0.0 * inf} folds to (realfiles/generate_8g.py); torch.jit.load reads both.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-inf", "-nan", "nan", "-1.5"})
  void signedFloatConstantsAreLiterals(String constant) {
    ScanReport r = scan(forward("    _9 = torch.add(weight, " + constant + ")"));
    assertTrue(r.accepted(), () -> constant + ": " + Scans.describe(r));
  }

  @org.junit.jupiter.api.Test
  void methodOnAValueThatIsNoCodeObjectIsUnresolved() {
    refused(
        forward("    _9 = (weight).save(\"/tmp/p\")"),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "method 'save'");
    refused(
        forward("    _9 = (self).save(\"/tmp/p\")"),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "defines no method 'save'");
    refused(
        forward("    _9 = __torch__.nowhere(weight)"),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "__torch__.nowhere");
    refused(forward("    _9 = f(weight)"), "TORCHSCRIPT_NAME_UNRESOLVED", "'f' is called");
  }

  /**
   * The setstate fixture plus a class {@code Saver} whose only method is named like the tensor
   * method {@code aten::resize_}, and {@code lines} added to {@code __setstate__} (which libtorch
   * runs while loading).
   */
  static TorchScriptArchives saver(String classLines, String setstateLines) {
    // the fixture's only "return None" ends __setstate__; Saver follows it
    return setstate()
        .replace(
            SETSTATE,
            "    return None\n",
            "    return None\n"
                + "class Saver(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def resize_(self: __torch__.Saver,\n"
                + "    p: List[int]) -> NoneType:\n"
                + "    return None\n")
        .replace(SETSTATE, "class Stateful(Module):\n", "class Stateful(Module):\n" + classLines)
        .replace(
            SETSTATE,
            "    self.training = (state)[2]\n",
            "    self.training = (state)[2]\n" + setstateLines);
  }

  /**
   * A name bound by a parenthesised for target, then assigned a code object after the loop: inside
   * the loop libtorch holds a Tensor there, so {@code (s).resize_(...)} is aten::resize_ (memory
   * tier). torch 1.13's torch.jit.load ran it while loading (the weight came back 64x64); before
   * the fix the for target was not a binding and the call passed as a method of Saver.
   */
  @org.junit.jupiter.api.Test
  void parenthesisedForTargetIsABinding() {
    String loop =
        "    for (s) in [torch.detach(torch.mul((state)[0], 1))]:\n"
            + "      _9 = (s).resize_([64, 64])\n"
            + "      self.weight = s\n"
            + "    s = __torch__.Saver.__new__(__torch__.Saver)\n";
    refused(
        saver("", loop),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "method 'resize_' is called on a value that is not known");
    refused(
        saver("", loop.replace("for (s) in", "for (s, k) in").replace("1))]", "1), 2)]")),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "method 'resize_'");
    // the same with the loop variable spelled plainly was already a binding
    refused(
        saver("", loop.replace("for (s) in", "for s in")),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "method 'resize_'");
  }

  /**
   * A Tensor parameter later assigned a code object in the same block: libtorch rebinds it, so the
   * call before the assignment is the tensor method aten::resize_ (torch 1.13 ran it while
   * loading). Every parameter is now a binding, typed with a code class or not.
   */
  @org.junit.jupiter.api.Test
  void parameterRebindingIsNotACodeObject() {
    String grow =
        "  def grow(self: __torch__.Stateful,\n"
            + "    t: Tensor) -> NoneType:\n"
            + "    _0 = (t).resize_([64, 64])\n"
            + "    self.weight = t\n"
            + "    t = __torch__.Saver.__new__(__torch__.Saver)\n"
            + "    return None\n";
    String call = "    _8 = (self).grow(torch.detach(torch.mul((state)[0], 1)))\n";
    refused(saver(grow, call), "TORCHSCRIPT_NAME_UNRESOLVED", "method 'resize_'");
    refused(
        saver(grow.replace("    t: Tensor)", "    t)"), call),
        "TORCHSCRIPT_NAME_UNRESOLVED",
        "method 'resize_'");
    // a parameter declared with the class and assigned the same class stays a code object
    ScanReport r =
        scan(
            saver(
                grow.replace("    t: Tensor)", "    t: __torch__.Saver)")
                    .replace("    self.weight = t\n", ""),
                "    _8 = (self).grow(__torch__.Saver.__new__(__torch__.Saver))\n"));
    assertTrue(r.accepted(), () -> Scans.describe(r));
  }

  /**
   * A local named {@code __torch__} hides the code namespace from libtorch, which looks locals up
   * first: {@code __torch__.resize_([64, 64])} read as a call of the code function resize_ but
   * torch 1.13 ran the tensor method aten::resize_ on the local while loading (the weight came back
   * 64x64). Every binding of a root name (torch, ops, __torch__, CONSTANTS) is refused.
   */
  @org.junit.jupiter.api.Test
  void localsNamedLikeARootAreRefused() {
    TorchScriptArchives a =
        setstate()
            .replace(
                SETSTATE,
                "    return None\n",
                "    return None\ndef resize_(p: List[int]) -> NoneType:\n  return None\n")
            .replace(
                SETSTATE,
                "    self.training = (state)[2]\n",
                "    self.training = (state)[2]\n"
                    + "    __torch__ = torch.detach(torch.mul((state)[0], 1))\n"
                    + "    _9 = __torch__.resize_([64, 64])\n"
                    + "    self.weight = __torch__\n");
    refused(a, "TORCHSCRIPT_NONCANONICAL", "code/__torch__.py:24:5", "local named '__torch__'");
    refused(
        forward("    for (ops) in [weight]:\n      _9 = ops.aten.relu(weight)"),
        "TORCHSCRIPT_NONCANONICAL",
        "local named 'ops'");
    refused(
        forward("    torch, _9 = (weight, weight)"),
        "TORCHSCRIPT_NONCANONICAL",
        "local named 'torch'");
    refused(
        setstate()
            .replace(SETSTATE, "    x: Tensor) -> Tensor:", "    CONSTANTS: Tensor) -> Tensor:"),
        "TORCHSCRIPT_NONCANONICAL",
        "local named 'CONSTANTS'");
  }

  /**
   * {@code __torch__.Holder.__new__(__torch__.Other)} creates an Other in libtorch, whose {@code
   * sub} is a Tensor, while the check took Holder's {@code sub : __torch__.Saver}: {@code
   * (t).resize_(...)} on {@code t = s.sub} passed as Saver's method and torch 1.13 ran
   * aten::resize_ while loading (the weight came back 64x64).
   */
  @org.junit.jupiter.api.Test
  void newWithAnotherClassIsRefused() {
    TorchScriptArchives a =
        saver(
                "",
                "    s = __torch__.Holder.__new__(__torch__.Other)\n"
                    + "    s.sub = torch.detach(torch.mul((state)[0], 1))\n"
                    + "    t = s.sub\n"
                    + "    _9 = (t).resize_([64, 64])\n"
                    + "    self.weight = s.sub\n")
            .replace(
                SETSTATE,
                "class Saver(Module):\n",
                "class Holder(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  sub : __torch__.Saver\n"
                    + "class Other(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  sub : Tensor\n"
                    + "class Saver(Module):\n");
    refused(
        a,
        "TORCHSCRIPT_NONCANONICAL",
        "code/__torch__.py:24:33",
        "__torch__.Holder.__new__ with an argument other than __torch__.Holder");
    // the printer's own form stays admitted
    ScanReport r =
        scan(
            saver(
                "",
                "    s = __torch__.Saver.__new__(__torch__.Saver)\n    _9 = (s).resize_([1])\n"));
    assertTrue(r.accepted(), () -> Scans.describe(r));
  }

  /**
   * A code class spelled like a native custom class: libtorch asks its custom-class registry first,
   * so {@code (c).init(...)} ran the native {@code _nnapi.Compilation.init} while torch 1.13 loaded
   * the archive (it tried to dlopen libneuralnetworks.so), while the check had read the code
   * class's harmless {@code init}.
   */
  @org.junit.jupiter.api.Test
  void codeUnderTheNativeClassNamespaceIsRefused() {
    String cls = "__torch__.torch.classes._nnapi.Compilation";
    TorchScriptArchives a =
        setstate()
            .replace(
                SETSTATE,
                "class Stateful(Module):\n",
                "class Stateful(Module):\n"
                    + "  def go(self: __torch__.Stateful,\n"
                    + "    c: "
                    + cls
                    + ") -> NoneType:\n"
                    + "    _0 = (c).init((self).weight, [(self).weight])\n"
                    + "    return None\n")
            .replace(
                SETSTATE,
                "    self.training = (state)[2]\n",
                "    self.training = (state)[2]\n    _8 = (self).go(" + cls + "())\n")
            .put(
                "code/__torch__/torch/classes/_nnapi.py",
                "class Compilation(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  def init(self: "
                    + cls
                    + ",\n"
                    + "    a: Tensor,\n"
                    + "    b: List[Tensor]) -> NoneType:\n"
                    + "    return None\n");
    refused(
        a,
        "TORCHSCRIPT_TYPE_NOT_ALLOWED",
        "code/__torch__/torch/classes/_nnapi.py:1",
        "native custom-class namespace");
    // a function there too, and a class named like the namespace itself
    refused(
        setstate().put("code/__torch__/torch/classes.py", "def f(x: int) -> int:\n  return x\n"),
        "TORCHSCRIPT_TYPE_NOT_ALLOWED",
        "__torch__.torch.classes.f");
    refused(
        setstate().put("code/__torch__/torch.py", "class classes(Module):\n  training : bool\n"),
        "TORCHSCRIPT_TYPE_NOT_ALLOWED",
        "'__torch__.torch.classes'");
  }

  @org.junit.jupiter.api.Test
  void syntaxOutsideTheSubsetIsRefused() {
    refused(forward("\t_9 = weight"), "TORCHSCRIPT_SYNTAX_INVALID", "tab");
    refused(forward("    _9 = $weight"), "TORCHSCRIPT_SYNTAX_INVALID");
    refused(setstate().code(SETSTATE, "y = 1\n"), "TORCHSCRIPT_SYNTAX_INVALID", "top level");
  }

  /** The setstate fixture with one class-body line added after {@code factor : int}. */
  static TorchScriptArchives classItem(String line) {
    return setstate().replace(SETSTATE, "  factor : int\n", "  factor : int\n" + line + "\n");
  }

  /**
   * The printer writes a {@code Final[Tuple[int]]} constant as a tuple (nn.LayerNorm's
   * normalized_shape in every scripted transformer layer): admitted, nested too.
   */
  @org.junit.jupiter.api.Test
  void tupleClassConstantsAreAdmitted() {
    for (String line :
        new String[] {
          "  normalized_shape : Final[Tuple[int]] = (4,)",
          "  kernel_size : Final[Tuple[int, int]] = (3, -1)",
          "  nested : Final[Tuple[Tuple[int, int], str]] = ((1, 2), \"a\")"
        }) {
      ScanReport r = scan(classItem(line));
      assertTrue(r.accepted(), () -> line + ": " + Scans.describe(r));
    }
  }

  /** Anything but literals and tuples of them would be code run when the class is built. */
  @org.junit.jupiter.api.Test
  void classConstantsThatAreNotLiteralsAreRefused() {
    for (String line :
        new String[] {
          "  c : Final[int] = torch.add(1, 2)",
          "  c : Final[Tuple[int]] = (torch.add(1, 2),)",
          "  c : Final[List[int]] = [1, 2]",
          "  c : Final[int] = factor"
        }) {
      refused(classItem(line), "TORCHSCRIPT_SYNTAX_INVALID", "a class constant is not a literal");
    }
  }

  @org.junit.jupiter.api.Test
  void nativeCustomClassTypesAreRefused() {
    refused(
        forward("    _9 = uninitialized(__torch__.torch.classes.quantized.LinearPackedParamsBase)"),
        "TORCHSCRIPT_TYPE_NOT_ALLOWED",
        "torch.classes");
    refused(
        forward("    _9 = annotate(Future[Tensor], weight)"),
        "TORCHSCRIPT_TYPE_NOT_ALLOWED",
        "Future");
  }

  @org.junit.jupiter.api.Test
  void constantsOutOfRangeAreRefused() {
    refused(forward("    _9 = CONSTANTS.c0"), "TORCHSCRIPT_CONSTANT_INVALID", "CONSTANTS.c0");
  }

  @org.junit.jupiter.api.Test
  void nestingBeyondTheLimitIsRefused() {
    refused(forward("    _9 = " + "[".repeat(200) + "]".repeat(200)), "TORCHSCRIPT_LIMIT_EXCEEDED");
  }

  // ------------------------------------------------------------------ pickles and layout

  /** {@code posix.system('id')} as protocol 2 writes it. */
  static byte[] systemCall() {
    return "\u0080\u0002cposix\nsystem\nq\u0000X\u0002\u0000\u0000\u0000idq\u0001\u0085R."
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @org.junit.jupiter.api.Test
  void injectedDataPickleGlobalIsRefused() {
    refused(setstate().put("data.pkl", systemCall()), "PICKLE_GLOBAL_NOT_ALLOWED", "posix.system");
  }

  @org.junit.jupiter.api.Test
  void injectedConstantsPickleGlobalIsRefused() {
    refused(
        setstate().put("constants.pkl", systemCall()), "PICKLE_GLOBAL_NOT_ALLOWED", "posix.system");
  }

  @org.junit.jupiter.api.Test
  void dataPickleClassMissingFromCodeIsRefused() {
    refused(
        setstate()
            .replace(SETSTATE, "class Stateful(Module):", "class Renamed(Module):")
            .replace(SETSTATE, "__torch__.Stateful", "__torch__.Renamed"),
        "PICKLE_GLOBAL_NOT_ALLOWED",
        "__torch__.Stateful");
  }

  /**
   * torch.jit.script declares a parameter registered as None ({@code Linear(bias=False)}) as
   * NoneType, as libtorch's ClassType admits; the slot then holds None and nothing else, and a
   * parameter of any other type is still refused.
   */
  @org.junit.jupiter.api.Test
  void parameterRegisteredAsNoneIsDeclaredNoneType() {
    String linear = "code/__torch__/torch/nn/modules/linear.py";
    TorchScriptArchives biasFree =
        TorchScriptArchives.read(
            Scans.resource("realfiles/torchscript/r8_scripted_bias_free.pt"),
            "r8_scripted_bias_free");
    assertTrue(biasFree.text(linear).contains("  bias : NoneType\n"), () -> biasFree.text(linear));
    ScanReport r = scan(biasFree);
    assertTrue(r.accepted(), () -> Scans.describe(r));
    refused(
        TorchScriptArchives.read(
                Scans.resource("realfiles/torchscript/r8_scripted_bias_free.pt"),
                "r8_scripted_bias_free")
            .replace(linear, "  bias : NoneType\n", "  bias : int\n"),
        "TORCHSCRIPT_STATE_MISMATCH",
        "lists 'bias' as a parameter or buffer but does not declare it a Tensor");
    // A NoneType parameter slot holding a tensor: the state check holds the value to the type.
    String mangled = "code/__torch__/torch/nn/modules/linear/___torch_mangle_4.py";
    refused(
        TorchScriptArchives.fixture("mlp_scripted")
            .replace(mangled, "  bias : Tensor\n", "  bias : NoneType\n"),
        "TORCHSCRIPT_STATE_MISMATCH",
        "bias");
  }

  @org.junit.jupiter.api.Test
  void stateKeysMustEqualTheDeclaredAttributes() {
    TorchScriptArchives cnn = TorchScriptArchives.fixture("cnn_traced");
    refused(
        cnn.replace(
            "code/__torch__.py", "  training : bool\n", "  training : bool\n  hidden : int\n"),
        "TORCHSCRIPT_STATE_MISMATCH",
        "missing [hidden]");
    refused(
        TorchScriptArchives.fixture("cnn_traced")
            .replace("code/__torch__.py", "  training : bool\n", "  training : int\n"),
        "TORCHSCRIPT_STATE_MISMATCH",
        "__torch__.CNN.training is a bool, declared int");
    refused(
        TorchScriptArchives.fixture("cnn_traced")
            .replace("code/__torch__.py", "  _is_full_backward_hook : Optional[bool]\n", ""),
        "TORCHSCRIPT_STATE_MISMATCH",
        "extra [_is_full_backward_hook]");
  }

  /**
   * libtorch makes a TorchScript object at its BUILD; between NEWOBJ and BUILD its stack holds the
   * class's index, so a memo entry written there is an int to torch.jit.load (torch 1.13: "Expected
   * Object but got Int" once a GET of it is a submodule) and the object to every check here.
   * torch's pickler memoises an object after its BUILD, as in every fixture.
   */
  @org.junit.jupiter.api.Test
  void memoBetweenNewobjAndBuildIsRefused() {
    TorchScriptArchives cnn = TorchScriptArchives.fixture("cnn_traced");
    byte[] pkl = cnn.bytes("data.pkl");
    int newobj = -1;
    for (int i = 0, seen = 0; i < pkl.length && newobj < 0; i++) {
      // the second NEWOBJ: the first submodule's (the fixture's strings hold no 0x81 byte)
      if (pkl[i] == (byte) 0x81 && ++seen == 2) {
        newobj = i;
      }
    }
    assertTrue(newobj > 0);
    // LONG_BINPUT 40000, an index no other entry uses
    byte[] put = {'r', (byte) 0x40, (byte) 0x9c, 0, 0};
    byte[] edited = new byte[pkl.length + put.length];
    System.arraycopy(pkl, 0, edited, 0, newobj + 1);
    System.arraycopy(put, 0, edited, newobj + 1, put.length);
    System.arraycopy(pkl, newobj + 1, edited, newobj + 1 + put.length, pkl.length - newobj - 1);
    refused(cnn.put("data.pkl", edited), "PICKLE_MEMO_INVALID", "memoised before its BUILD");
  }

  @org.junit.jupiter.api.Test
  void layoutRules() {
    refused(setstate().put("bytecode.pkl", "x"), "PYTORCH_TORCHSCRIPT", "bytecode.pkl");
    refused(setstate().put("model.json", "{}"), "PYTORCH_TORCHSCRIPT", "model.json");
    refused(setstate().put("notes.txt", "x"), "TORCHSCRIPT_RECORD_NOT_ALLOWED", "notes.txt");
    refused(setstate().put("code/__torch__/os.system.py", "x"), "TORCHSCRIPT_RECORD_NOT_ALLOWED");
    refused(setstate().put(".data/version", "3\n"), "TORCHSCRIPT_LAYOUT_INVALID", "both version");
    refused(setstate().put("version", "11\n"), "TORCHSCRIPT_LAYOUT_INVALID", "version");
    refused(setstate().remove("constants.pkl"), "TORCHSCRIPT_LAYOUT_INVALID", "constants.pkl");
    refused(setstate().put("code/__torch__/x.py.debug_pkl", "x"), "TORCHSCRIPT_DEBUG_INVALID");
    refused(setstate().put("data/7", new byte[4]), "PYTORCH_UNREFERENCED_RECORD", "data/7");
    refused(setstate().put("data/0", new byte[15]), "PYTORCH_STORAGE_SIZE_MISMATCH");
  }

  /**
   * Record names are judged by loops, not by a {@code java.util.regex} group repeated per path
   * segment (its matcher recurses once per repetition): a code record name of 2,000 one-letter
   * folders, within the zip reader's 4 KiB name limit, overflowed the stack.
   */
  @org.junit.jupiter.api.Test
  void deepCodeRecordNamesDoNotOverflow() {
    String deep = "code/__torch__" + "/a".repeat(2_020);
    refused(setstate().put(deep + ".py.debug_pkl", "x"), "TORCHSCRIPT_DEBUG_INVALID");
    refused(setstate().put(deep + "/.py", "x"), "TORCHSCRIPT_RECORD_NOT_ALLOWED");
  }

  @org.junit.jupiter.api.Test
  void extraFilesAreOpaqueButRecorded() {
    byte[] bytes = setstate().put("extra/notes.json", "{}").write();
    assertEquals("notes.json", describe(bytes).metadata().get("torchscript.extra"));
    // torch.jit.save(_extra_files={"docs/readme.md": ...}) writes a nested key; load reads it back
    bytes = setstate().put("extra/docs/readme.md", "x").write();
    assertEquals("docs/readme.md", describe(bytes).metadata().get("torchscript.extra"));
    for (String name :
        List.of("extra/docs/./readme.md", "extra/docs/../readme.md", "extra/docs//readme.md")) {
      refused(setstate().put(name, "x"), "ZIP_NAME_INVALID", name); // the zip reader's rule
    }
    for (String name : List.of("extra/1/2/3/4/5/6/7/8/9", "extra/docs/a..b", "extra/do cs/x")) {
      refused(setstate().put(name, "x"), "TORCHSCRIPT_RECORD_NOT_ALLOWED", name);
    }
  }

  /**
   * The allowlist covers what real exports use: every operator the fixtures call is listed as
   * compute, and the description names them.
   */
  @org.junit.jupiter.api.Test
  void allowlistCoversTheFixturesOperators() {
    java.util.TreeSet<String> used = new java.util.TreeSet<>();
    for (String f : FIXTURES) {
      ModelDescription d = describe(Scans.read(Scans.resource("torchscript/" + f + ".pt")));
      used.addAll(List.of(d.metadata().get("torchscript.operators").split(",")));
    }
    for (String op : used) {
      assertEquals(
          TorchScriptProfile.Tier.COMPUTE,
          TorchScriptProfile.strict().operator(op).orElseThrow().tier(),
          op);
    }
    assertTrue(
        used.containsAll(
            Set.of(
                "aten::_convolution",
                "aten::lstm",
                "aten::linear",
                "aten::gelu",
                "prim::RaiseException")),
        used::toString);
    long admitted =
        TorchScriptProfile.strict().operators().values().stream()
            .filter(o -> o.tier() == TorchScriptProfile.Tier.COMPUTE)
            .count();
    System.out.println(
        "torchscript fixtures use "
            + used.size()
            + " operators; the allowlist admits "
            + admitted
            + " and refuses "
            + (TorchScriptProfile.strict().operators().size() - admitted));
  }

  @org.junit.jupiter.api.Test
  void gradModeOnlyInsideNoGrad() {
    refused(
        forward("    _9 = torch.set_grad_enabled(False)"),
        "TORCHSCRIPT_OP_DENIED",
        "aten::set_grad_enabled");
  }
}
