package dev.safeload.formats;

import dev.safeload.ReasonCode;

/**
 * The reason codes reported by the built-in format handlers and their parsers.
 *
 * <p>Codes are stable: they are never renamed, removed or given another meaning. The engine's own
 * codes are in {@link dev.safeload.Reason}; every code is listed in docs/REASONS.md.
 */
public enum FormatReason implements ReasonCode {
  // ---------------------------------------------------------------- safetensors
  SAFETENSORS_FILE_TOO_SMALL("The file is shorter than the 8-byte header length."),
  SAFETENSORS_HEADER_TOO_LARGE(
      "The declared header length exceeds the limit (100,000,000 bytes by default)."),
  SAFETENSORS_HEADER_LENGTH_INVALID("The declared header runs past the end of the file."),
  SAFETENSORS_HEADER_NOT_UTF8("The header is not valid UTF-8."),
  SAFETENSORS_JSON_INVALID("The header is not valid JSON."),
  SAFETENSORS_HEADER_NOT_OBJECT("The header's top level is not a JSON object."),
  SAFETENSORS_HEADER_LEADING_WHITESPACE(
      "The header has whitespace before '{', which some readers do not detect."),
  SAFETENSORS_DUPLICATE_KEY("A JSON object in the header has the same key twice."),
  SAFETENSORS_ENTRY_NOT_OBJECT("A tensor entry in the header is not a JSON object."),
  SAFETENSORS_UNKNOWN_FIELD("A tensor entry has a field other than dtype, shape and data_offsets."),
  SAFETENSORS_MISSING_FIELD("A tensor entry lacks dtype, shape or data_offsets."),
  SAFETENSORS_UNKNOWN_DTYPE("A tensor's dtype is not one of the known names."),
  SAFETENSORS_NUMBER_INVALID(
      "A shape or offset value is not a non-negative integer literal that fits 63 bits."),
  SAFETENSORS_SHAPE_INVALID("A tensor's shape is not an array of integers."),
  SAFETENSORS_RANK_TOO_LARGE("A tensor's shape has more dimensions than the policy allows."),
  SAFETENSORS_OFFSETS_INVALID("A tensor's data_offsets is not [begin, end] with begin <= end."),
  SAFETENSORS_METADATA_INVALID("__metadata__ is not an object of string values."),
  SAFETENSORS_METADATA_TOO_LARGE("__metadata__ exceeds the policy's entry or byte limit."),
  SAFETENSORS_TOO_MANY_TENSORS("The header declares more tensors than the policy allows."),
  SAFETENSORS_NAME_INVALID("A tensor name is empty, too long or contains control characters."),
  SAFETENSORS_SIZE_OVERFLOW("shape x dtype size overflows 64-bit arithmetic."),
  SAFETENSORS_MISALIGNED_SUBBYTE("A sub-byte tensor does not end on a byte boundary."),
  SAFETENSORS_SIZE_MISMATCH("A tensor's byte range differs from shape x dtype size."),
  SAFETENSORS_HOLE("Tensor data leaves a gap: bytes no tensor covers."),
  SAFETENSORS_OVERLAP("Two tensors' byte ranges overlap or share an offset."),
  SAFETENSORS_DATA_TRUNCATED("Tensor data runs past the end of the file."),
  SAFETENSORS_TRAILING_BYTES("Bytes follow the last tensor's data."),
  SAFETENSORS_INDEX_INVALID("model.safetensors.index.json is not a valid shard index."),
  SAFETENSORS_INDEX_SHARD_NAME_INVALID(
      "The shard index names a file that is not a bare *.safetensors name."),
  SAFETENSORS_INDEX_SHARD_MISSING(
      "The shard index names a shard that is absent or not a valid safetensors file."),
  SAFETENSORS_INDEX_TENSOR_MISMATCH(
      "The shard index and the shards disagree on which tensor lives where."),
  SAFETENSORS_INDEX_SHARD_UNREFERENCED(
      "A safetensors shard in the model is not named by the shard index."),

  // ---------------------------------------------------------------- JSON side files
  JSON_INVALID("A JSON side file is not valid, strict JSON."),
  JSON_DUPLICATE_KEY("A JSON side file has the same key twice in one object."),
  JSON_LIMIT_EXCEEDED("A JSON side file exceeds the policy's size or nesting limits."),
  JSON_REMOTE_CODE(
      "A JSON side file's auto_map or custom_pipelines names code in another repository, its"
          + " attn_implementation names a kernel repository, its tokenizer_kwargs trust remote code,"
          + " or a model_index.json names a custom pipeline."),
  JSON_IMPORTS_MODULE(
      "A PEFT auto_mapping, a diffusers model_index.json component, or a sentence-transformers"
          + " modules.json type or Dense activation_function names a module or class other than ones"
          + " those libraries write there."),
  JSON_FILE_REFERENCE(
      "A tokenizer_config.json, special_tokens_map.json or PEFT tokenizer_kwargs, a config.json"
          + " transformers_weights, an auto_map or custom_pipelines module path, a PEFT"
          + " prompt_tuning_init_state_dict_path or a sentence-transformers modules.json or module"
          + " config names a file"
          + " by a path that its loader opens outside the model's checked files."),

  // ---------------------------------------------------------------- tokenizer text files:
  // vocab.txt, merges.txt, tiktoken
  TEXT_TOO_LARGE(
      "A tokenizer text file (vocab, merges, tiktoken) is larger than the policy allows."),
  TEXT_EMPTY("A tokenizer text file is empty."),
  TEXT_NOT_UTF8("A tokenizer text file is not valid UTF-8."),
  TEXT_BOM(
      "A tokenizer text file starts with a byte order mark, which readers keep as part of the first token."),
  TEXT_CONTROL_CHARACTER(
      "A tokenizer text file holds NUL, CR or another control character (lines end with LF only)."),
  TEXT_LINE_TOO_LONG("A line of a tokenizer text file is longer than the policy allows."),
  TEXT_NO_FINAL_NEWLINE(
      "The last line of the file lacks its newline, which some readers then drop."),
  VOCAB_TOKEN_INVALID(
      "A vocab.txt line is empty or starts or ends with whitespace, which readers trim differently."),
  VOCAB_DUPLICATE_TOKEN("vocab.txt lists a token twice; readers silently keep the last id."),
  VOCAB_TOO_MANY_TOKENS("vocab.txt lists more tokens than the policy allows."),
  MERGES_HEADER_INVALID(
      "merges.txt does not start with a #version line, which the Python reader skips unconditionally."),
  MERGES_LINE_INVALID(
      "A merges.txt line is not two tokens separated by one space, or is a second #version line."),
  MERGES_DUPLICATE("merges.txt lists the same merge twice."),
  MERGES_TOO_MANY("merges.txt lists more merges than the policy allows."),
  TIKTOKEN_LINE_INVALID("A tiktoken line is not '<base64 token> <rank>'."),
  TIKTOKEN_BASE64_INVALID(
      "A tiktoken token is not canonical padded base64, or decodes to no bytes."),
  TIKTOKEN_RANK_INVALID(
      "A tiktoken rank is not a canonical decimal below 2^31, or ranks do not ascend."),
  TIKTOKEN_DUPLICATE_TOKEN("A tiktoken file lists the same token bytes twice."),
  TIKTOKEN_TOO_MANY_TOKENS("A tiktoken file lists more tokens than the policy allows."),

  // ---------------------------------------------------------------- SentencePiece tokenizer.model
  SENTENCEPIECE_PROTOBUF_INVALID(
      "The SentencePiece model is not well-formed protobuf (bad tag, varint or wire type, truncated field)."),
  SENTENCEPIECE_UNKNOWN_FIELD(
      "A SentencePiece message has a field number sentencepiece_model.proto does not define."),
  SENTENCEPIECE_FIELD_TYPE_INVALID("A SentencePiece field has the wrong wire type."),
  SENTENCEPIECE_DUPLICATE_FIELD(
      "A singular SentencePiece field appears more than once (last-wins versus merge)."),
  SENTENCEPIECE_STRING_NOT_UTF8("A SentencePiece string field is not valid UTF-8."),
  SENTENCEPIECE_VALUE_INVALID(
      "An enum, float or size field of a SentencePiece model is out of range."),
  SENTENCEPIECE_PIECE_INVALID(
      "A piece is empty, has an unknown type, a non-finite score or a malformed byte form."),
  SENTENCEPIECE_DUPLICATE_PIECE("Two pieces have the same text."),
  SENTENCEPIECE_UNK_INVALID("The model has no unknown piece, or more than one."),
  SENTENCEPIECE_BYTE_FALLBACK_INVALID(
      "Byte pieces appear without byte_fallback, or byte_fallback lacks some of the 256 byte pieces."),
  SENTENCEPIECE_LIMIT_EXCEEDED(
      "More pieces or samples, or a longer string or charsmap, than the policy allows."),
  SENTENCEPIECE_CHARSMAP_INVALID(
      "A precompiled normalization charsmap (SentencePiece, GGUF) is not a trie its search cannot"
          + " leave."),

  // ---------------------------------------------------------------- PyTorch shard index
  // (pytorch_model.bin.index.json)
  PYTORCH_INDEX_INVALID("pytorch_model.bin.index.json is not a valid shard index."),
  PYTORCH_INDEX_SHARD_NAME_INVALID(
      "The PyTorch shard index names a file that is not a bare *.bin name."),
  PYTORCH_INDEX_SHARD_MISSING(
      "The PyTorch shard index names a shard that is absent or not a valid PyTorch checkpoint."),
  PYTORCH_INDEX_TENSOR_MISMATCH(
      "The PyTorch shard index and the shards disagree on which tensor lives where."),
  PYTORCH_INDEX_SHARD_UNREFERENCED(
      "A PyTorch checkpoint named *.bin beside the shard index is not named by it."),

  // ---------------------------------------------------------------- zip container
  ZIP_END_RECORD_MISSING("No valid end-of-central-directory record ends the file."),
  ZIP_MULTIPLE_END_RECORDS(
      "More than one end-of-central-directory record: two readers may pick different ones."),
  ZIP_APPENDED_DATA("Bytes follow the end-of-central-directory record."),
  ZIP_PREPENDED_DATA("Bytes precede the first local header."),
  ZIP_COMMENT("The archive or an entry carries a comment, a place to hide data."),
  ZIP_MULTI_DISK("The archive claims to span several disks."),
  ZIP64_INCONSISTENT("ZIP64 records or fields disagree with the 32-bit fields or with each other."),
  ZIP_CENTRAL_DIRECTORY_INVALID("The central directory is malformed, truncated or misplaced."),
  ZIP_LOCAL_HEADER_INVALID("A local header is missing, malformed or runs past the file."),
  ZIP_HEADER_MISMATCH(
      "A local header disagrees with its central-directory entry (name, flags, method, CRC or sizes)."),
  ZIP_NAME_INVALID(
      "An entry name is empty, not valid text, absolute, contains '..', a backslash, a control character, an invisible format character (judged by code point) or U+FFFD, or has over 30 combining marks in a row."),
  ZIP_DUPLICATE_NAME("Two entries have the same name."),
  ZIP_NAME_CASE_COLLISION(
      "Two entry names differ only in letter case, Unicode normalisation or a segment's trailing dots and spaces (some readers look names up case-insensitively; file systems fold case and normalisation, Windows drops trailing dots and spaces)."),
  ZIP_ENCRYPTED("An entry is encrypted (flag bit 0, 6 or 13)."),
  ZIP_FLAGS_UNSUPPORTED("An entry sets general-purpose flag bits that are not understood."),
  ZIP_METHOD_UNSUPPORTED("An entry uses a compression method other than stored or deflate."),
  ZIP_EXTRA_FIELD_INVALID("An extra field is malformed or of an unknown type."),
  ZIP_OVERLAP("Two entries, or an entry and a directory record, share bytes."),
  ZIP_UNACCOUNTED_BYTES(
      "Bytes between entries belong to no entry: hidden data or a hidden local header."),
  ZIP_DATA_DESCRIPTOR_INVALID(
      "A data descriptor is missing or disagrees with the central directory."),
  ZIP_CRC_MISMATCH("An entry's CRC-32 differs from the one recorded in the central directory."),
  ZIP_SIZE_MISMATCH("An entry's data has a different size than declared."),
  ZIP_DEFLATE_INVALID("An entry's deflate stream is corrupt or does not end where declared."),
  ZIP_TOO_MANY_ENTRIES("The archive holds more entries than the policy allows."),
  ZIP_ENTRY_TOO_LARGE("An entry's uncompressed size exceeds the policy's limit."),
  ZIP_TOTAL_TOO_LARGE("The entries' total uncompressed size exceeds the policy's limit."),
  ZIP_COMPRESSION_RATIO(
      "An entry's compression ratio, or that of the small entries together, exceeds the policy's limit (zip bomb)."),
  ZIP_UNKNOWN_CONTENT(
      "The archive is neither a PyTorch checkpoint, an .npz nor another known zip-based format."),
  ZIP_NAME_TOO_LONG(
      "An entry name is longer than the policy allows (checked before it is normalised)."),
  ZIP_UNICODE_PATH_MISMATCH(
      "An Info-ZIP Unicode path field names another file than the entry name, or carries another name's CRC."),

  // ---------------------------------------------------------------- pickle and PyTorch
  PICKLE_TRUNCATED("The pickle stream ends inside an opcode or before STOP."),
  PICKLE_UNKNOWN_OPCODE("A byte is not one of the 68 pickle opcodes."),
  PICKLE_OPCODE_NOT_ALLOWED("The opcode is valid but the pickle profile does not allow it."),
  PICKLE_PROTOCOL_INVALID(
      "PROTO is missing where required, repeated, misplaced or names an unsupported protocol."),
  PICKLE_FRAME_INVALID("A FRAME is misplaced, overlong, or an opcode crosses a frame boundary."),
  PICKLE_MALFORMED(
      "The stream is not a well-formed pickle (stack underflow, missing MARK, wrong operand types, bad text)."),
  PICKLE_MEMO_INVALID(
      "A memo index is read before it is written, reused in a way the profile forbids, written"
          + " far ahead of the entries so far (readers size their memo by the largest index), or a"
          + " TorchScript object memoised before its BUILD (libtorch memoises its class index there)."),
  PICKLE_GLOBAL_NOT_ALLOWED("The pickle imports a global that the profile does not allow."),
  PICKLE_GLOBAL_NAME_INVALID(
      "A global's module or name is not a plain dotted identifier (dotted attribute paths reach any object)."),
  PICKLE_CALL_NOT_ALLOWED(
      "An allowed callable is called with arguments its rule does not admit, or a non-callable is called."),
  PICKLE_BUILD_NOT_ALLOWED("BUILD sets state on an object whose rule does not admit that state."),
  PICKLE_MUTATION_NOT_ALLOWED(
      "APPEND, SETITEM or ADDITEMS targets something other than a list, dict or set the pickle built."),
  PICKLE_STOP_INVALID(
      "At STOP the stack does not hold exactly one value, or a MARK is still open."),
  PICKLE_TRAILING_BYTES("Bytes follow the pickle's STOP where the format allows none."),
  PICKLE_LIMIT_EXCEEDED("A size, count or depth in the pickle exceeds the policy's limit."),
  PICKLE_PERSISTENT_ID_INVALID(
      "A persistent id is not a well-formed storage reference, or the format allows none."),
  PICKLE_MUTATED_AFTER_CHECK(
      "APPEND, SETITEM, ADDITEMS or BUILD changes a value after an allowed call or BUILD received and checked it."),
  PYTORCH_TORCHSCRIPT(
      "The archive is a TorchScript program (constants.pkl or code/), which torch.load would run as code."),
  PYTORCH_LAYOUT_INVALID(
      "The archive's records are not all inside one root folder named by the first entry."),
  PYTORCH_UNEXPECTED_RECORD("The archive holds a record torch.save does not write."),
  PYTORCH_RECORD_INVALID(
      "A version, byteorder or similar record has content outside the supported values."),
  PYTORCH_MISSING_RECORD(
      "A required record (data.pkl, or the data record a storage refers to) is absent."),
  PYTORCH_UNREFERENCED_RECORD("A data record is not referenced by any storage in the pickle."),
  PYTORCH_RECORD_COMPRESSED(
      "A data record is deflated: torch.load(mmap=True) takes a storage's bytes from the file at its record's offset without inflating them."),
  PYTORCH_STORAGE_SIZE_MISMATCH(
      "A storage's declared element count times element size differs from its record's size."),
  PYTORCH_STORAGE_INCONSISTENT("One storage key is used with different types or sizes."),
  PYTORCH_TENSOR_OUT_OF_BOUNDS("A tensor's offset, sizes and strides reach outside its storage."),
  PYTORCH_LEGACY_INVALID(
      "A legacy (stacked-pickle) checkpoint deviates from the magic, version, sys_info, keys or storage layout."),
  PYTORCH_LEGACY_TAR(
      "The file is the pre-0.1.10 tar checkpoint format, which torch.load(weights_only=True) refuses."),
  PYTORCH_SPARSE_INDEX_INVALID(
      "A sparse COO tensor's index is negative or not below its size in that dimension, or its indices view reads storage elements more than once."),
  ARCHIVE_7Z("The file is a 7z archive; its members are not validated."),
  ARCHIVE_COMPRESSED(
      "The file is compressed (gzip, bzip2, xz, zstd, ...); decompress it and validate the result."),
  ARCHIVE_TAR("The file is a tar or other archive; its members are not validated."),

  // ---------------------------------------------------------------- NumPy
  NUMPY_VERSION_UNSUPPORTED("The .npy format version is not 1.0, 2.0 or 3.0."),
  NUMPY_HEADER_INVALID(
      "The .npy header is not exactly a dict of descr, fortran_order and shape, padded and newline-terminated."),
  NUMPY_HEADER_TOO_LARGE("The .npy header is longer than the policy allows."),
  NUMPY_DTYPE_NOT_ALLOWED(
      "The array's dtype is native-order ('='), an unknown type, or a structured dtype that is malformed or repeats a field name."),
  NUMPY_SHAPE_INVALID(
      "The shape is not a tuple of non-negative integers within the policy's rank limit."),
  NUMPY_SIZE_OVERFLOW(
      "shape x itemsize overflows 64-bit arithmetic or exceeds the policy's limit, or an itemsize"
          + " does not fit the C int NumPy keeps it in."),
  NUMPY_DATA_TRUNCATED("The array data is shorter than shape x itemsize."),
  NUMPY_TRAILING_BYTES("Bytes follow the array data."),
  NUMPY_NPZ_MEMBER_INVALID(
      "An .npz member is not named *.npy, or its key (the name without .npy) is another member's name, which numpy.load reads under that key instead."),
  NUMPY_DTYPE_TOO_COMPLEX(
      "A structured dtype nests deeper or has more fields than the policy allows."),

  // ---------------------------------------------------------------- GGUF
  GGUF_MAGIC_INVALID("The file does not start with the GGUF magic."),
  GGUF_VERSION_UNSUPPORTED(
      "The GGUF version is not 2 or 3 (v1, big-endian and future versions are rejected)."),
  GGUF_TRUNCATED(
      "A header field, string or array runs past the end of the file (CVE-2024-21825, CVE-2024-23496)."),
  GGUF_TOO_MANY_TENSORS(
      "The tensor count is negative as int64 or over the policy limit (CVE-2024-21836)."),
  GGUF_TOO_MANY_KEYS(
      "The metadata key/value count is negative as int64 or over the policy limit (CVE-2024-23605)."),
  GGUF_STRING_TOO_LONG("A string is longer than the policy allows."),
  GGUF_STRING_NOT_UTF8("A key, string value or tensor name is not valid UTF-8."),
  GGUF_KEY_INVALID(
      "A metadata key is empty, longer than 65535 bytes, or holds a NUL or control character."),
  GGUF_DUPLICATE_KEY("Two metadata entries have the same key."),
  GGUF_VALUE_TYPE_UNKNOWN("A metadata value type id is not one of the 13 known types."),
  GGUF_NESTED_ARRAY("An array's element type is ARRAY; nested arrays are rejected."),
  GGUF_ARRAY_TOO_LONG(
      "An array has more elements than the policy allows or the file can hold (CVE-2024-21825)."),
  GGUF_BOOL_INVALID("A BOOL value is neither 0 nor 1."),
  GGUF_METADATA_TYPE_INVALID(
      "A well-known metadata key has the wrong value type (e.g. tokenizer.ggml.scores not FLOAT32[])."),
  GGUF_METADATA_VALUE_INVALID(
      "A well-known metadata value is out of range (e.g. block_count above the policy limit, or"
          + " tokenizer scores or token types not one per token)."),
  GGUF_ALIGNMENT_INVALID("general.alignment is not a u32 power of two within the policy's range."),
  GGUF_TENSOR_NAME_INVALID(
      "A tensor name is empty, 64 bytes or longer, or holds a NUL or control character."),
  GGUF_DUPLICATE_TENSOR("Two tensors have the same name."),
  GGUF_TOO_MANY_DIMS("A tensor has more than 4 dimensions (CVE-2024-21802)."),
  GGUF_DIM_INVALID("A tensor dimension is 2^63 or more."),
  GGUF_TENSOR_TYPE_UNKNOWN("A tensor's ggml type id is unknown or removed."),
  GGUF_BLOCK_MISALIGNED("A tensor's first dimension is not a multiple of its type's block size."),
  GGUF_SIZE_OVERFLOW(
      "A tensor's element count, byte size or the data section size overflows 64 bits (CVE-2025-53630, CVE-2026-27940, CVE-2026-33298)."),
  GGUF_OFFSET_INVALID(
      "A tensor's offset is not the running sum of the aligned sizes before it (gaps, overlap, reordering)."),
  GGUF_DATA_TRUNCATED("Tensor data runs past the end of the file (Ollama CVE-2026-7482)."),
  GGUF_PADDING_NONZERO("Alignment padding holds non-zero bytes."),
  GGUF_TRAILING_BYTES("Bytes follow the end of the tensor data."),
  GGUF_CHAT_TEMPLATE_UNSAFE(
      "A chat template reaches Python internals or template loading (CVE-2024-34359-style SSTI)."),
  GGUF_SHARD_INVALID(
      "A split GGUF model's shards are missing, misnamed, inconsistent or repeat a tensor."),
  GGUF_CHAT_TEMPLATE_NOT_PINNED(
      "A chat template's SHA-256 is not among the policy's pinned template hashes."),
  // chat templates, wherever they live (GGUF, tokenizer_config.json, chat_template.jinja/.json)
  TEMPLATE_SYNTAX(
      "A chat template is not valid Jinja as Jinja reads it, or uses a form safeload does not read (raw blocks, \\N{} escapes, non-ASCII outside strings in tags)."),
  TEMPLATE_TOO_COMPLEX(
      "A chat template exceeds a bound: size, tokens, nodes, nesting, string length, integer size, analysis work, or the size of a constant expression Jinja computes while compiling."),
  TEMPLATE_CONSTRUCT_NOT_ALLOWED(
      "A chat template uses a tag or expression form outside the allowlist (include, import, extends, call, with, recursive for, **, *args, loop(), calls of computed callees)."),
  TEMPLATE_NAME_NOT_ALLOWED(
      "A chat template names a gadget global (lipsum, cycler, joiner, self), a name starting with '_' or not ASCII, rebinds a reserved name, or uses a callable as a value; or a tokenizer names a special token (a template variable) other than *_token or *_tokens."),
  TEMPLATE_ATTRIBUTE_NOT_ALLOWED(
      "A chat template reads a member (.n, ['n'], namespace(n=), attribute path) that starts with '_' or is reserved, or calls a method outside the allowlist."),
  TEMPLATE_FILTER_NOT_ALLOWED(
      "A chat template uses a filter or test outside the allowlist (attr, format, xmlattr, ...) or with arguments the allowlist does not admit."),
  TEMPLATE_COMPUTED_SUBSCRIPT(
      "A chat template subscripts with a computed key that may be a template-chosen string (Jinja falls back to getattr for str keys)."),
  TEMPLATE_FORMAT_STRING(
      "A chat template formats with a template-chosen format string: .format beyond {} fields on a literal, format_map, or % on a string literal."),
  TEMPLATE_CONTAINER_INVALID(
      "A chat template container is malformed: chat_template not a string or list of {name, template}, an empty, repeated or invalid name."),
  TEMPLATE_NOT_PINNED(
      "A chat template outside GGUF has a SHA-256 that is not among the policy's pinned template hashes."),

  // ---------------------------------------------------------------- ONNX
  ONNX_PROTOBUF_INVALID(
      "The protobuf wire format is invalid: bad tag, group, wire type 6/7 or overlong varint."),
  ONNX_TRUNCATED("A length-delimited field runs past its enclosing message or the file."),
  ONNX_TOO_DEEP("Messages nest deeper than the policy allows (subgraphs, type protos)."),
  ONNX_LIMIT_EXCEEDED(
      "More nodes, tensors, functions or metadata entries than the policy allows, or sparse tensors"
          + " larger once dense, or constant-folded tensors larger, than the policy allows."),
  ONNX_UNKNOWN_FIELD("A field number is not part of the ONNX schema for its message."),
  ONNX_FIELD_TYPE_INVALID("A known field has the wrong wire type."),
  ONNX_DUPLICATE_FIELD(
      "A singular field appears more than once (two readings: last-wins versus merge)."),
  ONNX_STRING_NOT_UTF8("A string field is not valid UTF-8."),
  ONNX_NOT_A_MODEL("The file has no graph, or its ir_version is missing or unsupported."),
  ONNX_OPSET_MISSING("opset_import is missing, or a node's domain has no opset import."),
  ONNX_DOMAIN_NOT_ALLOWED("A node uses an operator domain outside the policy's allowlist."),
  ONNX_DUPLICATE_NAME(
      "Duplicate initializer names, metadata_props keys or function ids, or an opset domain imported at two versions."),
  ONNX_TENSOR_INVALID(
      "A tensor's data type, dims or data fields are invalid or disagree with its size."),
  ONNX_SPARSE_INDEX_INVALID(
      "A sparse tensor's index lies outside its dense shape or does not follow the one before (unsorted or repeated), or its indices are in external data."),
  ONNX_EXTERNAL_DATA_INVALID(
      "External data has a bad location (absolute, .., magic such as _ORT_MEM_ADDR_), key, offset or length."),
  ONNX_EXTERNAL_DATA_MISSING("An external data file is not a served, verified file of the model."),
  ONNX_EXTERNAL_DATA_OUT_OF_RANGE("External data offset + length runs past the end of its file."),
  ONNX_EXTERNAL_DATA_OVERLAP("Two tensors' external data ranges overlap."),
  ONNX_FUNCTION_INVALID(
      "Model-local functions repeat an id, call each other in a cycle or nest calls deeper than 100."),

  // ---------------------------------------------------------------- merged from torchscript
  TORCHSCRIPT_RECORD_NOT_ALLOWED(
      "A TorchScript archive holds a member torch.jit.save does not write (bytecode.pkl, model.json, an unknown path), or a code path that is not a plain __torch__ module path."),
  TORCHSCRIPT_LAYOUT_INVALID(
      "A TorchScript archive lacks data.pkl, constants.pkl, code/ or its version, has two version records, or a record outside the supported values."),
  TORCHSCRIPT_SYNTAX_INVALID(
      "A code/ file is not in TorchScript's serialised Python subset (tokens, indentation, statement or expression forms)."),
  TORCHSCRIPT_NONCANONICAL(
      "A code/ file uses a form the importer accepts but torch.jit.save never writes (import header, infix operator, tensor-method call, op overload, non-literal getattr)."),
  TORCHSCRIPT_OP_DENIED(
      "Code calls an operator the allowlist refuses (files, output, threads, RPC, profiler, global state, addresses, storage aliasing); the finding names the operator, file and line."),
  TORCHSCRIPT_OP_UNKNOWN(
      "Code calls an operator that is not on the allowlist, or one in a namespace the profile does not admit (custom ops); the finding names the operator, file and line."),
  TORCHSCRIPT_NAME_UNRESOLVED(
      "Code names a __torch__ class, function or method, or calls a local, that no code/ file defines."),
  TORCHSCRIPT_TYPE_NOT_ALLOWED(
      "A type annotation or class base is outside the admitted TorchScript types (native custom classes such as torch.classes.*, Future, unknown names)."),
  TORCHSCRIPT_STATE_MISMATCH(
      "An object in data.pkl disagrees with its class in code/: a class without a definition, state keys other than the declared attributes, or values of the wrong type."),
  TORCHSCRIPT_CONSTANT_INVALID(
      "constants.pkl is not a tuple of tensors, or code names a CONSTANTS entry it does not hold."),
  TORCHSCRIPT_DEBUG_INVALID(
      "A code/*.debug_pkl record is not the ('FORMAT_WITH_STRING_TABLE', strings, ranges) tuple, or has no code file."),
  TORCHSCRIPT_LIMIT_EXCEEDED(
      "A code/ file exceeds the policy's limits on size, tokens, nesting or definitions."),
  ;

  private final String description;

  FormatReason(String description) {
    this.description = description;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public String description() {
    return description;
  }
}
