package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Tensors;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.internal.pickle.Value.BoolV;
import dev.safeload.formats.internal.pickle.Value.DictV;
import dev.safeload.formats.internal.pickle.Value.FloatV;
import dev.safeload.formats.internal.pickle.Value.IntV;
import dev.safeload.formats.internal.pickle.Value.ListV;
import dev.safeload.formats.internal.pickle.Value.NoneV;
import dev.safeload.formats.internal.pickle.Value.OpaqueV;
import dev.safeload.formats.internal.pickle.Value.ScriptObjectV;
import dev.safeload.formats.internal.pickle.Value.StrV;
import dev.safeload.formats.internal.pickle.Value.TensorV;
import dev.safeload.formats.internal.pickle.Value.TupleV;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.formats.internal.torchscript.CodeCheck;
import dev.safeload.formats.internal.torchscript.CodeCheck.ClassInfo;
import dev.safeload.formats.internal.torchscript.Limits;
import dev.safeload.formats.internal.torchscript.TypeView;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipEntry;
import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.formats.pytorch.TorchScriptProfile;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelDescription;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A TorchScript archive ({@code torch.jit.save}), checked in this order:
 *
 * <ol>
 *   <li>Members: {@code data.pkl}, {@code constants.pkl}, exactly one of {@code version} / {@code
 *       .data/version} (1 to 10), optional {@code byteorder} ({@code little}) and {@code
 *       .data/serialization_id}, {@code data/<n>}, {@code constants/<n>}, {@code code/__torch__.py}
 *       and {@code code/__torch__/<ident>/.../<ident>.py} each with an optional {@code .debug_pkl},
 *       and opaque {@code extra/<name>}. The legacy ({@code model.json}) and mobile ({@code
 *       bytecode.pkl}) forms are refused as {@link FormatReason#PYTORCH_TORCHSCRIPT}; anything else
 *       as {@link FormatReason#TORCHSCRIPT_RECORD_NOT_ALLOWED}. Every CRC is checked.
 *   <li>{@code constants.pkl}: a tuple of tensors over {@code constants/} records.
 *   <li>{@code code/}: parsed and checked against the operator allowlist ({@link CodeCheck}).
 *   <li>Debug records: {@code ('FORMAT_WITH_STRING_TABLE', strings, ranges)} beside their code
 *       file.
 *   <li>{@code data.pkl}: the pickle profile plus exactly the classes {@code code/} defines;
 *       storages against {@code data/} records, every record used.
 *   <li>Objects: the root is a Module; each object's state holds exactly its class's declared
 *       attributes with values of their types, unless the class defines {@code __setstate__} (whose
 *       code was checked like every def).
 * </ol>
 */
public final class TorchScriptZip {
  private TorchScriptZip() {}

  /**
   * Whether {@code rel} names a code record, {@code code/__torch__(/IDENT)*.py} with IDENT an ASCII
   * identifier of at most 201 characters. A loop, not {@code java.util.regex}: its matcher recurses
   * once per repetition of the group, and a name of 2,000 one-letter folders (zip names reach 4
   * KiB) overflowed the stack.
   */
  static boolean isCodeRecord(String rel) {
    String prefix = "code/__torch__";
    if (!rel.startsWith(prefix) || !rel.endsWith(".py")) {
      return false;
    }
    int end = rel.length() - 3;
    int i = prefix.length();
    while (i < end) {
      if (rel.charAt(i) != '/') {
        return false;
      }
      int start = ++i;
      while (i < end && isIdentChar(rel.charAt(i), i == start)) {
        i++;
      }
      if (i == start || i - start > 201) {
        return false;
      }
    }
    return i == end;
  }

  private static boolean isIdentChar(char c, boolean first) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || c == '_'
        || (!first && c >= '0' && c <= '9');
  }

  private static final Pattern RECORD = Pattern.compile("(data|constants)/(0|[1-9][0-9]{0,17})");

  /**
   * An extra file ({@code torch.jit.save(_extra_files=...)}): torch writes any key under {@code
   * extra/}, a nested one ({@code "docs/readme.md"}) too, and {@code torch.jit.load} reads it back
   * by that key. Up to eight segments of name characters (the zip reader has already refused empty,
   * {@code .} and {@code ..} segments; {@code ..} inside a name is refused here too).
   */
  private static final String EXTRA_SEGMENT = "[A-Za-z0-9_.][A-Za-z0-9_.-]{0,199}";

  private static final Pattern EXTRA =
      Pattern.compile("extra/(" + EXTRA_SEGMENT + "/){0,7}" + EXTRA_SEGMENT);
  private static final Pattern VERSION = Pattern.compile("([1-9]|10)\n?");
  private static final Pattern SERIALIZATION_ID = Pattern.compile("[0-9]{1,64}\n?");
  private static final Set<String> NOT_ADMITTED =
      Set.of(
          "model.json",
          "attributes.pkl",
          "bytecode.pkl",
          "mobile_debug_handles.pkl",
          "callstack_debug_map.pkl");

  /**
   * Whether a root-relative member name marks a TorchScript archive rather than a torch.save
   * checkpoint.
   */
  public static boolean marks(String rel) {
    // Called for every record of every zip checkpoint: the last segment is compared in place.
    int tail = rel.length() - "constants.pkl".length();
    return rel.startsWith("code/")
        || (rel.endsWith("constants.pkl") && (tail == 0 || rel.charAt(tail - 1) == '/'))
        || rel.endsWith(".debug_pkl")
        || rel.startsWith(".data/") && rel.endsWith(".pkl")
        || NOT_ADMITTED.contains(rel)
        || rel.startsWith("tensors/");
  }

  public static ModelDescription validate(
      ZipArchive zip, String root, TorchScriptProfile profile, PickleLimits limits, long fileSize) {
    ZipEntry dataPkl = null;
    ZipEntry constantsPkl = null;
    ZipEntry version = null;
    Map<Long, ZipEntry> data = new HashMap<>();
    Map<Long, ZipEntry> constantRecords = new HashMap<>();
    Map<String, ZipEntry> code = new TreeMap<>();
    Map<String, ZipEntry> debug = new TreeMap<>();
    List<String> extras = new ArrayList<>();
    for (ZipEntry e : zip.entries()) {
      String rel = TorchArchive.relativeName(e, root);
      if (rel.equals("data.pkl")) {
        dataPkl = e;
      } else if (rel.equals("constants.pkl")) {
        constantsPkl = e;
      } else if (rel.equals("version") || rel.equals(".data/version")) {
        if (version != null) {
          throw new FormatException(
              FormatReason.TORCHSCRIPT_LAYOUT_INVALID,
              e.localHeaderOffset(),
              "both version and .data/version (libtorch reads only one of them)");
        }
        version = e;
        if (!VERSION.matcher(smallText(zip, e)).matches()) {
          throw new FormatException(
              FormatReason.TORCHSCRIPT_LAYOUT_INVALID,
              e.dataOffset(),
              rel + " is not a supported archive version (1 to 10)");
        }
      } else if (rel.equals("byteorder")) {
        if (!smallText(zip, e).equals("little")) {
          throw new FormatException(
              FormatReason.TORCHSCRIPT_LAYOUT_INVALID, e.dataOffset(), "byteorder is not little");
        }
      } else if (rel.equals(".data/serialization_id")) {
        if (!SERIALIZATION_ID.matcher(smallText(zip, e)).matches()) {
          throw new FormatException(
              FormatReason.TORCHSCRIPT_LAYOUT_INVALID,
              e.dataOffset(),
              ".data/serialization_id is not decimal");
        }
      } else if (RECORD.matcher(rel).matches()) {
        int slash = rel.indexOf('/');
        (rel.startsWith("data/") ? data : constantRecords)
            .put(Long.parseLong(rel.substring(slash + 1)), e);
      } else if (isCodeRecord(rel)) {
        code.put(rel, e);
      } else if (rel.endsWith(".py.debug_pkl")
          && isCodeRecord(rel.substring(0, rel.length() - 10))) {
        debug.put(rel.substring(0, rel.length() - 10), e);
      } else if (EXTRA.matcher(rel).matches() && !rel.contains("..")) {
        extras.add(rel.substring(6));
      } else if (NOT_ADMITTED.contains(rel)
          || rel.startsWith("tensors/")
          || rel.startsWith(".data/")) {
        throw new FormatException(
            FormatReason.PYTORCH_TORCHSCRIPT,
            e.localHeaderOffset(),
            "'"
                + e.name()
                + "' belongs to a TorchScript form that is not admitted (legacy model.json or mobile bytecode)");
      } else {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_RECORD_NOT_ALLOWED,
            e.localHeaderOffset(),
            "'" + e.name() + "' is not a member torch.jit.save writes");
      }
    }
    if (dataPkl == null || constantsPkl == null || version == null || code.isEmpty()) {
      throw new FormatException(
          FormatReason.TORCHSCRIPT_LAYOUT_INVALID,
          0,
          "a TorchScript archive needs data.pkl,"
              + " constants.pkl, a version record and code/; missing: "
              + (dataPkl == null ? "data.pkl " : "")
              + (constantsPkl == null ? "constants.pkl " : "")
              + (version == null ? "version " : "")
              + (code.isEmpty() ? "code/" : ""));
    }
    for (Map.Entry<String, ZipEntry> d : debug.entrySet()) {
      if (!code.containsKey(d.getKey())) {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_DEBUG_INVALID,
            d.getValue().localHeaderOffset(),
            "'" + d.getValue().name() + "' has no code file beside it");
      }
    }
    zip.verifyAll();

    // constants.pkl
    Storages constantStorages =
        new Storages(
            false, key -> size(constantRecords.get(key)), Math.max(1, constantRecords.size()));
    PickleMachine.Result constants =
        TorchArchive.runPickle(zip, constantsPkl, profile.pickles(), limits, constantStorages);
    if (!(constants.value() instanceof TupleV ct)
        || !ct.items().stream().allMatch(v -> v instanceof TensorV)) {
      throw new FormatException(
          FormatReason.TORCHSCRIPT_CONSTANT_INVALID,
          constantsPkl.localHeaderOffset(),
          "constants.pkl is not a tuple of tensors");
    }
    TorchArchive.allUsed(constantRecords, constantStorages);

    // code/
    Limits codeLimits = Limits.DEFAULT;
    Map<String, String> texts = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<String, ZipEntry> c : code.entrySet()) {
      ZipEntry e = c.getValue();
      total += e.uncompressedSize();
      if (total > codeLimits.maxCodeBytes()) {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            e.localHeaderOffset(),
            "code/ holds more than " + codeLimits.maxCodeBytes() + " bytes");
      }
      ByteBuffer b =
          zip.readFully(e, codeLimits.maxFileBytes(), FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED);
      byte[] a = new byte[b.remaining()];
      b.get(a);
      String text = Utf8.decodeOrNull(a);
      if (text == null) {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
            e.localHeaderOffset(),
            c.getKey() + " is not UTF-8");
      }
      texts.put(c.getKey(), text);
    }
    CodeCheck.Result checked;
    try {
      checked = CodeCheck.check(texts, profile, ct.items().size(), codeLimits);
    } catch (CodeCheck.Rejection r) {
      ZipEntry at = code.get(r.path());
      throw new FormatException(
          r.reason(), at == null ? 0 : at.localHeaderOffset(), String.valueOf(r.getMessage()));
    }

    // code/*.debug_pkl
    PickleProfile debugProfile =
        PickleProfile.builder("torchscript-debug")
            .allowOpcodes(PickleProfile.TORCH_WEIGHTS_OPCODES)
            .allowGlobal("torch.jit._pickle", "build_intlist", GlobalRule.torchScriptList("int"))
            .build();
    for (ZipEntry d : debug.values()) {
      PickleMachine.Result r = TorchArchive.runPickle(zip, d, debugProfile, limits, null);
      if (!(r.value() instanceof TupleV t)
          || t.items().size() != 3
          || !(t.items().get(0) instanceof StrV tag)
          || !tag.value().equals("FORMAT_WITH_STRING_TABLE")
          || !(t.items().get(1) instanceof TupleV strings)
          || !strings.items().stream().allMatch(v -> v instanceof StrV)
          || !(t.items().get(2) instanceof TupleV)) {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_DEBUG_INVALID,
            d.localHeaderOffset(),
            "'" + d.name() + "' is not ('FORMAT_WITH_STRING_TABLE', strings, ranges)");
      }
    }

    // data.pkl, with exactly the archive's classes
    PickleProfile.Builder pb =
        profile.pickles().toBuilder().name(profile.pickles().name() + "+code");
    for (String q : checked.classes().keySet()) {
      int dot = q.lastIndexOf('.');
      pb.allowGlobal(
          q.substring(0, dot),
          q.substring(dot + 1),
          GlobalRule.of(GlobalRule.Kind.TORCHSCRIPT_OBJECT));
    }
    PickleProfile dataProfile = pb.build();
    Storages storages = new Storages(false, key -> size(data.get(key)), Math.max(1, data.size()));
    PickleMachine.Result result =
        TorchArchive.runPickle(zip, dataPkl, dataProfile, limits, storages);
    TorchArchive.allUsed(data, storages);
    new StateCheck(checked.classes(), dataPkl, 1_000_000 + 64 * dataPkl.uncompressedSize())
        .run(result.value());

    Map<String, Long> dataAt = new LinkedHashMap<>();
    for (String key : storages.referenced().keySet()) {
      // Storages refused every referenced key without a record (PYTORCH_MISSING_RECORD).
      ZipEntry r = Objects.requireNonNull(data.get(Long.parseLong(key)));
      dataAt.put(key, r.isStored() ? r.dataOffset() : -1L);
    }
    ModelDescription d =
        Checkpoint.describe(
            "torchscript",
            dataProfile.name(),
            result.globals(),
            namedTensors(result.value(), 1_000_000),
            dataAt);
    Map<String, String> meta = new LinkedHashMap<>(d.metadata());
    meta.put("torchscript.profile", profile.name());
    meta.put("torchscript.operators.sha256", profile.operatorsSha256());
    meta.put("torchscript.operators", String.join(",", checked.operators()));
    meta.put("torchscript.classes", String.valueOf(checked.classes().size()));
    meta.put("torchscript.code.files", String.valueOf(code.size()));
    if (!extras.isEmpty()) {
      meta.put("torchscript.extra", String.join(",", extras));
    }
    return new ModelDescription(d.format(), d.tensors(), meta, d.references());
  }

  /**
   * Tensors held as attributes of the module tree, named by attribute path ({@code conv/weight}),
   * each object visited once (a submodule shared by two parents is named once).
   */
  static List<Tensors.Named> namedTensors(Value root, int maxCount) {
    List<Tensors.Named> out = new ArrayList<>();
    IdentityHashMap<Value, Boolean> seen = new IdentityHashMap<>();
    ArrayList<Value> values = new ArrayList<>();
    ArrayList<String> names = new ArrayList<>();
    values.add(root);
    names.add("");
    while (!values.isEmpty() && out.size() < maxCount) {
      Value v = values.remove(values.size() - 1);
      String prefix = names.remove(names.size() - 1);
      if (v instanceof TensorV t) {
        out.add(new Tensors.Named(prefix.isEmpty() ? "<root>" : prefix, t));
      } else if (prefix.length() < 1024 && seen.put(v, Boolean.TRUE) == null) {
        Value inner = v instanceof ScriptObjectV o && o.state != null ? o.state : v;
        if (inner instanceof DictV d && v instanceof ScriptObjectV) {
          for (int i = d.items.size() - 2; i >= 0; i -= 2) {
            if (d.items.get(i) instanceof StrV k) {
              values.add(d.items.get(i + 1));
              names.add(prefix.isEmpty() ? k.value() : prefix + "/" + k.value());
            }
          }
        } else if (inner instanceof TupleV || inner instanceof ListV) {
          List<Value> items = inner instanceof TupleV t ? t.items() : ((ListV) inner).items;
          for (int i = items.size() - 1; i >= 0; i--) {
            values.add(items.get(i));
            names.add(prefix.isEmpty() ? String.valueOf(i) : prefix + "/" + i);
          }
        }
      }
    }
    return out;
  }

  private static long size(@Nullable ZipEntry e) {
    return e == null ? -1 : e.uncompressedSize();
  }

  private static String smallText(ZipArchive zip, ZipEntry e) {
    return TorchArchive.smallText(zip, e, FormatReason.TORCHSCRIPT_LAYOUT_INVALID);
  }

  /**
   * Ties each object in data.pkl to its class: declared attributes, value types, nested objects.
   */
  private static final class StateCheck {
    private final Map<String, ClassInfo> classes;
    private final ZipEntry at;
    private long budget;
    private final IdentityHashMap<ScriptObjectV, Boolean> seen = new IdentityHashMap<>();
    private final ArrayList<ScriptObjectV> todo = new ArrayList<>();

    StateCheck(Map<String, ClassInfo> classes, ZipEntry at, long budget) {
      this.classes = classes;
      this.at = at;
      this.budget = budget;
    }

    private FormatException mismatch(@Nullable ScriptObjectV o, String msg) {
      return new FormatException(
          FormatReason.TORCHSCRIPT_STATE_MISMATCH,
          o == null ? at.localHeaderOffset() : o.offset,
          msg);
    }

    /**
     * The class of code/ an object names; a name code/ does not define is a mismatch, never a null.
     */
    private ClassInfo classOf(ScriptObjectV o) {
      ClassInfo c = classes.get(o.qualifiedName());
      if (c == null) {
        throw mismatch(o, o.qualifiedName() + " is not a class of code/");
      }
      return c;
    }

    void run(Value root) {
      if (!(root instanceof ScriptObjectV r) || !classOf(r).base().equals("Module")) {
        throw mismatch(null, "data.pkl's root is a " + root.typeName() + ", not a Module of code/");
      }
      enqueue(r);
      while (!todo.isEmpty()) {
        object(todo.remove(todo.size() - 1));
      }
    }

    private void enqueue(ScriptObjectV o) {
      if (seen.put(o, Boolean.TRUE) == null) {
        todo.add(o);
      }
    }

    private void charge() {
      if (--budget < 0) {
        throw new FormatException(
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            at.localHeaderOffset(),
            "checking data.pkl's values against their types takes more work than its size allows");
      }
    }

    private void object(ScriptObjectV o) {
      ClassInfo c = classOf(o);
      if (o.state == null) {
        throw mismatch(o, o.qualifiedName() + " object has no state (BUILD missing)");
      }
      if (c.setState()) {
        objectsIn(o.state, new IdentityHashMap<>());
        return;
      }
      if (!(o.state instanceof DictV d) || d.ordered || d.counter) {
        throw mismatch(
            o,
            o.qualifiedName()
                + " state is a "
                + o.state.typeName()
                + ", not a dict, and the class defines no __setstate__");
      }
      Map<String, Value> state = new HashMap<>();
      for (int i = 0; i < d.items.size(); i += 2) {
        charge();
        if (!(d.items.get(i) instanceof StrV k)
            || state.put(k.value(), d.items.get(i + 1)) != null) {
          throw mismatch(o, o.qualifiedName() + " state has a non-string or repeated key");
        }
      }
      Set<String> extra = new HashSet<>(state.keySet());
      extra.removeAll(c.attributes().keySet());
      Set<String> missing = new HashSet<>(c.attributes().keySet());
      missing.removeAll(state.keySet());
      if (!extra.isEmpty() || !missing.isEmpty()) {
        throw mismatch(
            o,
            o.qualifiedName()
                + " state keys differ from the declared attributes: extra "
                + clip(extra)
                + ", missing "
                + clip(missing));
      }
      for (Map.Entry<String, TypeView> a : c.attributes().entrySet()) {
        // The state's keys are the declared attributes (checked above).
        Value given = Objects.requireNonNull(state.get(a.getKey()));
        if (!matches(a.getValue(), given)) {
          throw mismatch(
              o,
              o.qualifiedName()
                  + "."
                  + a.getKey()
                  + " is a "
                  + given.typeName()
                  + ", declared "
                  + a.getValue());
        }
      }
    }

    private static String clip(Set<String> s) {
      String t = new java.util.TreeSet<>(s).toString();
      return t.length() > 200 ? t.substring(0, 200) + "...]" : t;
    }

    /** Objects inside a __setstate__ class's state, which its own code consumes. */
    private void objectsIn(Value v, IdentityHashMap<Value, Boolean> visited) {
      ArrayList<Value> stack = new ArrayList<>();
      stack.add(v);
      while (!stack.isEmpty()) {
        Value x = stack.remove(stack.size() - 1);
        charge();
        if (x instanceof ScriptObjectV o) {
          enqueue(o);
        } else if (visited.put(x, Boolean.TRUE) == null) {
          if (x instanceof TupleV t) {
            stack.addAll(t.items());
          } else if (x instanceof ListV l) {
            stack.addAll(l.items);
          } else if (x instanceof DictV d) {
            stack.addAll(d.items);
          }
        }
      }
    }

    private boolean matches(TypeView t, Value v) {
      charge();
      switch (t.name()) {
        case "Any":
          objectsIn(v, new IdentityHashMap<>());
          return true;
        case "Tensor":
          return v instanceof TensorV;
        case "int":
          return v instanceof IntV i && i.fitsLong();
        case "float":
          return v instanceof FloatV;
        case "bool":
          return v instanceof BoolV;
        case "str":
          return v instanceof StrV;
        case "NoneType":
          return v instanceof NoneV;
        case "Device":
          return v instanceof OpaqueV o && o.type().equals("torch.device");
        case "Optional":
          return v instanceof NoneV || t.args().size() == 1 && matches(t.args().get(0), v);
        case "Union":
          for (TypeView a : t.args()) {
            if (matches(a, v)) {
              return true;
            }
          }
          return false;
        case "List":
          if (!(v instanceof ListV l) || t.args().size() != 1) {
            return false;
          }
          for (Value x : l.items) {
            if (!matches(t.args().get(0), x)) {
              return false;
            }
          }
          return true;
        case "Dict":
          if (!(v instanceof DictV d) || d.ordered || d.counter || t.args().size() != 2) {
            return false;
          }
          for (int i = 0; i < d.items.size(); i += 2) {
            if (!matches(t.args().get(0), d.items.get(i))
                || !matches(t.args().get(1), d.items.get(i + 1))) {
              return false;
            }
          }
          return true;
        case "Tuple":
          if (!(v instanceof TupleV tv)) {
            return false;
          }
          boolean empty = t.args().size() == 1 && t.args().get(0).name().equals("()");
          if (empty) {
            return tv.items().isEmpty();
          }
          if (tv.items().size() != t.args().size()) {
            return false;
          }
          for (int i = 0; i < tv.items().size(); i++) {
            if (!matches(t.args().get(i), tv.items().get(i))) {
              return false;
            }
          }
          return true;
        default:
          ClassInfo c = classes.get(t.name());
          if (c == null || !(v instanceof ScriptObjectV o)) {
            return false;
          }
          boolean fits = o.qualifiedName().equals(t.name());
          if (!fits && (c.base().equals("Interface") || c.base().equals("ModuleInterface"))) {
            fits = classOf(o).methods().containsAll(c.methods());
          }
          if (fits) {
            enqueue(o);
          }
          return fits;
      }
    }
  }
}
