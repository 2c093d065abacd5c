package dev.safeload.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.testing.SharedVectors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every file of picklescan's public test corpus (../shared/vectors/pickle/picklescan, read in
 * place) with the verdict a safe loader should give: the exact set of reason codes (empty =
 * accepted) and, for import findings, the global named. Where this disagrees with picklescan's own
 * view, see formats/PICKLE-NOTES.md ("Disagreements with picklescan").
 */
class PicklescanVectorsTest {

  /** file -> {global named in the first finding ("" if none), reason codes...}. */
  private static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();

  private static void e(String file, String global, String... reasons) {
    String[] v = new String[reasons.length + 1];
    v[0] = global;
    System.arraycopy(reasons, 0, v, 1, reasons.length);
    EXPECTED.put(file, v);
  }

  static {
    e("data/bad_pytorch.pt", "", "UNKNOWN_FORMAT");
    e("data/benign0_v0.pkl", "");
    e("data/benign0_v3.pkl", "");
    e("data/benign0_v4.pkl", "");
    e("data/benign_password_protected.zip", "", "ZIP_ENCRYPTED");
    e("data/broken_model.pkl", "builtins.exec", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious-invalid-bytes.pkl", "os.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious0.pkl", "builtins.globals", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious1.7z", "", "ARCHIVE_7Z");
    e("data/malicious1.zip", "", "EXTENSION_MISMATCH", "PYTORCH_LAYOUT_INVALID");
    e("data/malicious10.pkl", "", "PICKLE_OPCODE_NOT_ALLOWED");
    e("data/malicious11.pkl", "os.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious12.pkl", "operator.attrgetter", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious13a.pkl", "pickle.loads", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious13b.pkl", "_pickle.loads", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious14.pkl", "runpy._run_code", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious15a.pkl", "builtins.getattr", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious15b.pkl", "bdb' 'Bdb.run", "PICKLE_GLOBAL_NAME_INVALID");
    e("data/malicious16.pkl", "pip.main", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data/malicious17.pkl",
        "torch._inductor.codecache.compile_file",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious18.pkl", "pydoc.pipepager", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious19.pkl", "functools.partial", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious1_0x1.zip", "", "EXTENSION_MISMATCH", "ZIP_ENCRYPTED");
    e("data/malicious1_0x20.zip", "", "EXTENSION_MISMATCH", "ZIP_FLAGS_UNSUPPORTED");
    e("data/malicious1_0x40.zip", "", "EXTENSION_MISMATCH", "ZIP_ENCRYPTED");
    e("data/malicious1_central_directory.zip", "", "ZIP_HEADER_MISMATCH");
    e("data/malicious1_v0.pkl", "builtins.eval", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious1_v3.pkl", "builtins.eval", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious1_v4.pkl", "builtins.eval", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious1_wrong_ext.zip", "", "ZIP_UNKNOWN_CONTENT");
    e("data/malicious20.pkl", "venv.create", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious2_v0.pkl", "posix.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious2_v3.pkl", "posix.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious2_v4.pkl", "posix.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious3.pkl", "httplib.HTTPSConnection", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious4.pickle", "requests.api.get", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious5.pickle", "aiohttp.client.ClientSession", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious6.pkl", "requests.api.get", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious7.pkl", "socket.create_connection", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious8.pkl", "subprocess.run", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/malicious9.pkl", "sys.exit", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/new_pytorch_model.bin", "");
    e("data/not_a_pickle.bin", "", "UNKNOWN_FORMAT");
    e(
        "data/pytorch_magic_bypass.pt",
        "builtins.eval",
        "EXTENSION_MISMATCH",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data/pytorch_model.bin", "");
    e("data/sys_module_override_sploit.pkl", "torch._utils", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-3gf5-cxq9-w223.pkl",
        "idlelib.pyshell' 'ModifiedInterpreter.runcode",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-3vg9-h568-4w9m.pkl",
        "idlelib.debugobj' 'ObjectTreeItem.SetText",
        "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-4675-36f9-wf6r.pkl", "ctypes.CDLL", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-46h3-79wf-xr6c.pkl", "builtins.__import__", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-49gj-c84q-6qm9.pkl", "cProfile.run", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-4r9r-ch6f-vxmx.pkl",
        "torch.utils.bottleneck.__main__.run_cprofile",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-4whj-rm5r-c2v8.pkl",
        "torch.utils.bottleneck.__main__.run_autograd_prof",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-5qwp-399c-mjwf.pkl", "trace' 'Trace.run", "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-6vqj-c2q5-j97w.pkl", "profile' 'Profile.runctx", "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-6w4w-5w54-rjvr.pkl",
        "idlelib.autocomplete' 'AutoComplete.get_entity",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-7cq8-mj8x-j263.pkl",
        "idlelib.autocomplete' 'AutoComplete.fetch_completions",
        "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-7wx9-6375-f5wh.pkl", "profile.run", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-84r2-jw7c-4r5q.pkl", "operator.methodcaller", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-86cj-95qr-2p4f.pkl",
        "torch._dynamo.guards' 'GuardBuilder.get",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-8r4j-24qv-fmq9.pkl",
        "idlelib.calltip' 'Calltip.fetch_tip",
        "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-955r-x9j8-7rhh.pkl", "builtins.__import__", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-9w88-8rmg-7g2p.pkl", "cProfile.runctx", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-9xph-j2h6-g47v.pkl", "idlelib.calltip.get_entity", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-cj3c-v495-4xqh.pkl",
        "code' 'InteractiveInterpreter.runcode",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-f4x7-rfwp-v3xw.pkl",
        "torch.fx.experimental.symbolic_shapes' 'ShapeEnv.evaluate_guards_expression",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-f54q-57x4-jg88.pkl",
        "lib2to3.pgen2.grammar' 'Grammar.loads",
        "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-f745-w6jp-hpxx.pkl", "torch.utils.collect_env.run", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-fqq6-7vqf-w3fg.pkl", "doctest.debug_script", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-g344-hcph-8vgg.pkl", "trace' 'Trace.runctx", "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-g38g-8gr9-h9xp-aix-support.pkl",
        "_aix_support._read_cmd_output",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-g38g-8gr9-h9xp-imaplib.pkl", "imaplib.IMAP4_stream", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-g38g-8gr9-h9xp-osx-support.pkl",
        "_osx_support._read_output",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-g38g-8gr9-h9xp-pyrepl-pager.pkl",
        "_pyrepl.pager.pipe_pager",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-g38g-8gr9-h9xp-test.pkl",
        "test.support.script_helper.assert_python_ok",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-g38g-8gr9-h9xp-uuid.pkl",
        "uuid._get_command_stdout",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-h3qp-7fh3-f8h4.pkl",
        "torch.utils.data.datapipes.utils.decoder.basichandlers",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-j343-8v2j-ff7w.pkl",
        "idlelib.pyshell' 'ModifiedInterpreter.runcommand",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-jgw4-cr84-mqxg.bin",
        "asyncio.unix_events' '_UnixSubprocessTransport._start",
        "EXTENSION_MISMATCH",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-jhph-76pp-mggw.pkl",
        "torch.utils.collect_env.run_and_read_all",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-m273-6v24-x4m4.pkl",
        "distutils.file_util.write_file",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-m869-42cg-3xwr.pkl",
        "idlelib.run' 'Executive.runcode",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-p9w7-82w4-7q8m.pkl",
        "lib2to3.pgen2.pgen' 'ParserGenerator.make_label",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-q77w-mwjj-7mqx.pkl",
        "asyncio.unix_events' '_UnixSubprocessTransport._start",
        "PICKLE_GLOBAL_NAME_INVALID");
    e(
        "data2/GHSA-r8g5-cgf2-4m4m.pkl",
        "numpy.f2py.crackfortran.getlincoef",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-vqmv-47xg-9wpr.pkl", "pty.spawn", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-vr7h-p6mm-wpmh.pkl",
        "torch.jit.unsupported_tensor_ops.execWrapper",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/GHSA-vv6j-3g6g-2pvj.pkl",
        "torch.utils._config_module' 'ConfigModule.load_config",
        "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-vvpj-8cmc-gx39.pkl", "pkgutil.resolve_name", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/GHSA-x696-vm39-cp64.pkl", "profile' 'Profile.run", "PICKLE_GLOBAL_NAME_INVALID");
    e("data2/GHSA-xp4f-hrf8-rxw7.pkl", "ensurepip._run_pip", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/cloudpickle_codeinjection.pkl",
        "cloudpickle.cloudpickle._make_function",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/dns_exfiltration.npy",
        "numpy._core.multiarray._reconstruct",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/int_array.npy", "");
    e("data2/int_arrays.npz", "");
    e("data2/int_arrays_compressed.npz", "");
    e("data2/io_FileIO.pkl", "_io.FileIO", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/keyerror-exploit.pkl", "os.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/logging_FileHandler.pkl", "logging.FileHandler", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/malicious1_crc.zip", "", "EXTENSION_MISMATCH", "PYTORCH_LAYOUT_INVALID");
    e("data2/malicious21.pkl", "timeit.timeit", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/malicious22.pkl",
        "numpy.testing._private.utils.runstring",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/malicious23.pkl", "os.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/object_array.npy", "numpy.core.multiarray._reconstruct", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/object_arrays.npz", "numpy.core.multiarray._reconstruct", "PICKLE_GLOBAL_NOT_ALLOWED");
    e(
        "data2/object_arrays_compressed.npz",
        "numpy.core.multiarray._reconstruct",
        "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/type-confusion-exploit.pkl", "os.system", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/types_CodeType.pkl", "types.CodeType", "PICKLE_GLOBAL_NOT_ALLOWED");
    e("data2/urllib_request_urlopen.pkl", "urllib.request.urlopen", "PICKLE_GLOBAL_NOT_ALLOWED");
  }

  @Test
  void everyVectorGetsItsExpectedVerdict() {
    Path root = SharedVectors.dir("pickle/picklescan");
    List<Path> files = Scans.files(root);
    Set<String> listed = new TreeSet<>(EXPECTED.keySet());
    Set<String> present = new TreeSet<>();
    StringBuilder wrong = new StringBuilder();
    for (Path p : files) {
      String name = root.relativize(p).toString().replace('\\', '/');
      present.add(name);
      String[] want = EXPECTED.get(name);
      if (want == null) {
        wrong.append("\nunlisted vector ").append(name);
        continue;
      }
      ScanReport r = Scans.scan(p);
      Set<String> expected = new TreeSet<>(List.of(want).subList(1, want.length));
      Set<String> got = Scans.reasons(r);
      if (!expected.equals(got)) {
        wrong
            .append("\n")
            .append(name)
            .append(": expected ")
            .append(expected)
            .append(" got ")
            .append(got)
            .append(" (")
            .append(Scans.describe(r))
            .append(")");
      } else if (!want[0].isEmpty()
          && r.findings().stream().noneMatch(f -> f.message().contains(want[0]))) {
        wrong.append("\n").append(name).append(": no finding names ").append(want[0]);
      }
      assertEquals(expected.isEmpty(), r.accepted(), name);
    }
    assertEquals(listed, present, "the table and the corpus list different files");
    assertTrue(wrong.length() == 0, wrong::toString);
  }

  @Test
  void benignFilesAreAccepted() {
    Path root = SharedVectors.dir("pickle/picklescan");
    for (String f :
        new String[] {
          "data/benign0_v0.pkl",
          "data/benign0_v3.pkl",
          "data/benign0_v4.pkl",
          "data/new_pytorch_model.bin",
          "data/pytorch_model.bin",
          "data2/int_array.npy",
          "data2/int_arrays.npz",
          "data2/int_arrays_compressed.npz"
        }) {
      ScanReport r = Scans.scan(root.resolve(f));
      assertTrue(r.accepted(), () -> f + ": " + Scans.describe(r));
    }
  }
}
