package dev.safeload;

/**
 * Every rejection reason safeload itself can report. Codes are stable: they are never renamed,
 * removed or given another meaning. The list is grouped by the part of safeload that reports them.
 */
public enum Reason implements ReasonCode {
  // ---------------------------------------------------------------- loader: files and detection
  /** No handler recognised the bytes; unknown formats are rejected. */
  UNKNOWN_FORMAT("No allowed format handler recognises the file's content."),
  /** Two handlers claim the bytes with the same confidence: two readings of one file. */
  AMBIGUOUS_FORMAT("The content matches more than one format equally well."),
  /** The content was recognised, but the policy does not allow that format. */
  FORMAT_NOT_ALLOWED("The detected format is not in the policy's allowlist."),
  /** The file name's extension names a different format than the content. */
  EXTENSION_MISMATCH("The file name's extension disagrees with the detected content."),
  /** A path component is a symbolic link. */
  SYMLINK("A path component is a symbolic link."),
  /** The file has more than one hard link, so another name can change it. */
  HARDLINK("The file has more than one hard link."),
  /** The path is neither a regular file nor a directory (device, fifo, socket). */
  NOT_REGULAR_FILE("The path is not a regular file."),
  /** The file is larger than the policy allows. */
  FILE_TOO_LARGE("The file is larger than the policy's limit."),
  /** The model directory holds more files than the policy allows. */
  TOO_MANY_FILES("The model directory holds more files than the policy's limit."),
  /** The model directory holds no file to load. */
  EMPTY_MODEL("The model directory holds no files."),
  /** Size, modification time or identity of the source changed while or after it was read. */
  SOURCE_CHANGED("The source file changed while it was being read or verified."),
  /** Reading the file failed. */
  IO_ERROR("The file could not be read."),
  /** A format handler failed unexpectedly; the file is rejected rather than trusted. */
  HANDLER_ERROR("A format handler failed unexpectedly."),
  /** A file name inside the model cannot be served safely (control characters, backslashes). */
  FILE_NAME_INVALID("A file name inside the model cannot be represented safely."),
  /** Two names in the model are one name to a reader that folds case, Unicode form or bad bytes. */
  FILE_NAME_COLLISION("Two file names collide once case, Unicode normalisation or undecodable bytes are folded."),
  /** The name says code (a .py, .so, .sh ...): loaders import or execute such files. */
  CODE_FILE("The file name says it is code that a loader may import or execute."),
  /** Another common reader would open the file as a different structure (tar, zip, pickle). */
  POLYGLOT("Another common reader would open the file as a different structure."),
  /** A Hugging Face cache blob's name (its digest) does not match the bytes read. */
  CACHE_BLOB_MISMATCH("A Hugging Face cache blob's name is not the digest of its bytes."),
  /** Validating the file exhausted a resource of the JVM (memory); it is rejected, not trusted. */
  RESOURCE_EXHAUSTED("Validating the file exhausted memory or another JVM resource."),

  // ---------------------------------------------------------------- provenance: pins
  /** No pin, signature or other proof covers the file, and the policy requires one. */
  UNPROVEN_FILE("No pin or signature proves where the file came from."),
  /** The file's SHA-256 differs from its pin. */
  PIN_DIGEST_MISMATCH("The file's SHA-256 digest differs from its pin."),
  /** The file's size differs from its pin. */
  PIN_SIZE_MISMATCH("The file's size differs from its pin."),
  /** A pinned file is absent from the model directory. */
  PIN_FILE_MISSING("A file named by the pins is absent."),
  /** A file is served from the model directory but the pins do not name it. */
  PIN_FILE_NOT_PINNED("A file in the model directory is not named by the pins."),
  /** A pin names a path outside the model directory or a non-normalised path. */
  PIN_NAME_INVALID("A pin names a path that escapes the model directory or is not normalised."),
  /** A provenance verifier failed unexpectedly; the model is rejected rather than trusted. */
  VERIFIER_ERROR("A provenance verifier (pins, signature, revocation) failed unexpectedly."),
  /** A fixed-size range (shard) of the file hashes to another SHA-256 than its pin. */
  PIN_SHARD_MISMATCH("A shard of the file, a fixed-size byte range, differs from its pinned SHA-256."),

  // ---------------------------------------------------------------- safetensors
  SAFETENSORS_FILE_TOO_SMALL("The file is shorter than the 8-byte header length."),
  SAFETENSORS_HEADER_TOO_LARGE("The declared header length exceeds the limit (100,000,000 bytes by default)."),
  SAFETENSORS_HEADER_LENGTH_INVALID("The declared header runs past the end of the file."),
  SAFETENSORS_HEADER_NOT_UTF8("The header is not valid UTF-8."),
  SAFETENSORS_JSON_INVALID("The header is not valid JSON."),
  SAFETENSORS_HEADER_NOT_OBJECT("The header's top level is not a JSON object."),
  SAFETENSORS_HEADER_LEADING_WHITESPACE("The header has whitespace before '{', which some readers do not detect."),
  SAFETENSORS_DUPLICATE_KEY("A JSON object in the header has the same key twice."),
  SAFETENSORS_ENTRY_NOT_OBJECT("A tensor entry in the header is not a JSON object."),
  SAFETENSORS_UNKNOWN_FIELD("A tensor entry has a field other than dtype, shape and data_offsets."),
  SAFETENSORS_MISSING_FIELD("A tensor entry lacks dtype, shape or data_offsets."),
  SAFETENSORS_UNKNOWN_DTYPE("A tensor's dtype is not one of the known names."),
  SAFETENSORS_NUMBER_INVALID("A shape or offset value is not a non-negative integer literal that fits 63 bits."),
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
  SAFETENSORS_INDEX_SHARD_NAME_INVALID("The shard index names a file that is not a bare *.safetensors name."),
  SAFETENSORS_INDEX_SHARD_MISSING("The shard index names a shard that is absent or not a valid safetensors file."),
  SAFETENSORS_INDEX_TENSOR_MISMATCH("The shard index and the shards disagree on which tensor lives where."),
  SAFETENSORS_INDEX_SHARD_UNREFERENCED("A safetensors shard in the model is not named by the shard index."),

  // ---------------------------------------------------------------- JSON side files
  JSON_INVALID("A JSON side file is not valid, strict JSON."),
  JSON_DUPLICATE_KEY("A JSON side file has the same key twice in one object."),
  JSON_LIMIT_EXCEEDED("A JSON side file exceeds the policy's size or nesting limits."),

  // ---------------------------------------------------------------- tokenizer text files: vocab.txt, merges.txt, tiktoken
  TEXT_TOO_LARGE("A tokenizer text file (vocab, merges, tiktoken) is larger than the policy allows."),
  TEXT_EMPTY("A tokenizer text file is empty."),
  TEXT_NOT_UTF8("A tokenizer text file is not valid UTF-8."),
  TEXT_BOM("A tokenizer text file starts with a byte order mark, which readers keep as part of the first token."),
  TEXT_CONTROL_CHARACTER("A tokenizer text file holds NUL, CR or another control character (lines end with LF only)."),
  TEXT_LINE_TOO_LONG("A line of a tokenizer text file is longer than the policy allows."),
  TEXT_NO_FINAL_NEWLINE("The last line of the file lacks its newline, which some readers then drop."),
  VOCAB_TOKEN_INVALID("A vocab.txt line is empty or starts or ends with whitespace, which readers trim differently."),
  VOCAB_DUPLICATE_TOKEN("vocab.txt lists a token twice; readers silently keep the last id."),
  VOCAB_TOO_MANY_TOKENS("vocab.txt lists more tokens than the policy allows."),
  MERGES_HEADER_INVALID("merges.txt does not start with a #version line, which the Python reader skips unconditionally."),
  MERGES_LINE_INVALID("A merges.txt line is not two tokens separated by one space, or is a second #version line."),
  MERGES_DUPLICATE("merges.txt lists the same merge twice."),
  MERGES_TOO_MANY("merges.txt lists more merges than the policy allows."),
  TIKTOKEN_LINE_INVALID("A tiktoken line is not '<base64 token> <rank>'."),
  TIKTOKEN_BASE64_INVALID("A tiktoken token is not canonical padded base64, or decodes to no bytes."),
  TIKTOKEN_RANK_INVALID("A tiktoken rank is not a canonical decimal below 2^31, or ranks do not ascend."),
  TIKTOKEN_DUPLICATE_TOKEN("A tiktoken file lists the same token bytes twice."),
  TIKTOKEN_TOO_MANY_TOKENS("A tiktoken file lists more tokens than the policy allows."),

  // ---------------------------------------------------------------- SentencePiece tokenizer.model
  SENTENCEPIECE_PROTOBUF_INVALID("The SentencePiece model is not well-formed protobuf (bad tag, varint or wire type, truncated field)."),
  SENTENCEPIECE_UNKNOWN_FIELD("A SentencePiece message has a field number sentencepiece_model.proto does not define."),
  SENTENCEPIECE_FIELD_TYPE_INVALID("A SentencePiece field has the wrong wire type."),
  SENTENCEPIECE_DUPLICATE_FIELD("A singular SentencePiece field appears more than once (last-wins versus merge)."),
  SENTENCEPIECE_STRING_NOT_UTF8("A SentencePiece string field is not valid UTF-8."),
  SENTENCEPIECE_VALUE_INVALID("An enum, float or size field of a SentencePiece model is out of range."),
  SENTENCEPIECE_PIECE_INVALID("A piece is empty, has an unknown type, a non-finite score or a malformed byte form."),
  SENTENCEPIECE_DUPLICATE_PIECE("Two pieces have the same text."),
  SENTENCEPIECE_UNK_INVALID("The model has no unknown piece, or more than one."),
  SENTENCEPIECE_BYTE_FALLBACK_INVALID("Byte pieces appear without byte_fallback, or byte_fallback lacks some of the 256 byte pieces."),
  SENTENCEPIECE_LIMIT_EXCEEDED("More pieces or samples, or a longer string or charsmap, than the policy allows."),

  // ---------------------------------------------------------------- PyTorch shard index (pytorch_model.bin.index.json)
  PYTORCH_INDEX_INVALID("pytorch_model.bin.index.json is not a valid shard index."),
  PYTORCH_INDEX_SHARD_NAME_INVALID("The PyTorch shard index names a file that is not a bare *.bin name."),
  PYTORCH_INDEX_SHARD_MISSING("The PyTorch shard index names a shard that is absent or not a valid PyTorch checkpoint."),
  PYTORCH_INDEX_TENSOR_MISMATCH("The PyTorch shard index and the shards disagree on which tensor lives where."),
  PYTORCH_INDEX_SHARD_UNREFERENCED("A PyTorch checkpoint named *.bin beside the shard index is not named by it."),

  // ---------------------------------------------------------------- zip container (reserved for the zip reader)
  ZIP_END_RECORD_MISSING("No valid end-of-central-directory record ends the file."),
  ZIP_MULTIPLE_END_RECORDS("More than one end-of-central-directory record: two readers may pick different ones."),
  ZIP_APPENDED_DATA("Bytes follow the end-of-central-directory record."),
  ZIP_PREPENDED_DATA("Bytes precede the first local header."),
  ZIP_COMMENT("The archive or an entry carries a comment, a place to hide data."),
  ZIP_MULTI_DISK("The archive claims to span several disks."),
  ZIP64_INCONSISTENT("ZIP64 records or fields disagree with the 32-bit fields or with each other."),
  ZIP_CENTRAL_DIRECTORY_INVALID("The central directory is malformed, truncated or misplaced."),
  ZIP_LOCAL_HEADER_INVALID("A local header is missing, malformed or runs past the file."),
  ZIP_HEADER_MISMATCH("A local header disagrees with its central-directory entry (name, flags, method, CRC or sizes)."),
  ZIP_NAME_INVALID("An entry name is empty, not valid text, absolute, contains '..', a backslash, a control character or over 30 combining marks in a row."),
  ZIP_DUPLICATE_NAME("Two entries have the same name."),
  ZIP_NAME_CASE_COLLISION("Two entry names differ only in letter case (some readers look names up case-insensitively)."),
  ZIP_ENCRYPTED("An entry is encrypted (flag bit 0, 6 or 13)."),
  ZIP_FLAGS_UNSUPPORTED("An entry sets general-purpose flag bits that are not understood."),
  ZIP_METHOD_UNSUPPORTED("An entry uses a compression method other than stored or deflate."),
  ZIP_EXTRA_FIELD_INVALID("An extra field is malformed or of an unknown type."),
  ZIP_OVERLAP("Two entries, or an entry and a directory record, share bytes."),
  ZIP_UNACCOUNTED_BYTES("Bytes between entries belong to no entry: hidden data or a hidden local header."),
  ZIP_DATA_DESCRIPTOR_INVALID("A data descriptor is missing or disagrees with the central directory."),
  ZIP_CRC_MISMATCH("An entry's CRC-32 differs from the one recorded in the central directory."),
  ZIP_SIZE_MISMATCH("An entry's data has a different size than declared."),
  ZIP_DEFLATE_INVALID("An entry's deflate stream is corrupt or does not end where declared."),
  ZIP_TOO_MANY_ENTRIES("The archive holds more entries than the policy allows."),
  ZIP_ENTRY_TOO_LARGE("An entry's uncompressed size exceeds the policy's limit."),
  ZIP_TOTAL_TOO_LARGE("The entries' total uncompressed size exceeds the policy's limit."),
  ZIP_COMPRESSION_RATIO("An entry's compression ratio, or that of the small entries together, exceeds the policy's limit (zip bomb)."),
  ZIP_UNKNOWN_CONTENT("The archive is neither a PyTorch checkpoint, an .npz nor another known zip-based format."),
  ZIP_NAME_TOO_LONG("An entry name is longer than the policy allows (checked before it is normalised)."),
  ZIP_UNICODE_PATH_MISMATCH("An Info-ZIP Unicode path field names another file than the entry name, or carries another name's CRC."),

  // ---------------------------------------------------------------- pickle and PyTorch (reserved)
  PICKLE_TRUNCATED("The pickle stream ends inside an opcode or before STOP."),
  PICKLE_UNKNOWN_OPCODE("A byte is not one of the 68 pickle opcodes."),
  PICKLE_OPCODE_NOT_ALLOWED("The opcode is valid but the pickle profile does not allow it."),
  PICKLE_PROTOCOL_INVALID("PROTO is missing where required, repeated, misplaced or names an unsupported protocol."),
  PICKLE_FRAME_INVALID("A FRAME is misplaced, overlong, or an opcode crosses a frame boundary."),
  PICKLE_MALFORMED("The stream is not a well-formed pickle (stack underflow, missing MARK, wrong operand types, bad text)."),
  PICKLE_MEMO_INVALID("A memo index is read before it is written, or reused in a way the profile forbids."),
  PICKLE_GLOBAL_NOT_ALLOWED("The pickle imports a global that the profile does not allow."),
  PICKLE_GLOBAL_NAME_INVALID("A global's module or name is not a plain dotted identifier (dotted attribute paths reach any object)."),
  PICKLE_CALL_NOT_ALLOWED("An allowed callable is called with arguments its rule does not admit, or a non-callable is called."),
  PICKLE_BUILD_NOT_ALLOWED("BUILD sets state on an object whose rule does not admit that state."),
  PICKLE_MUTATION_NOT_ALLOWED("APPEND, SETITEM or ADDITEMS targets something other than a list, dict or set the pickle built."),
  PICKLE_STOP_INVALID("At STOP the stack does not hold exactly one value, or a MARK is still open."),
  PICKLE_TRAILING_BYTES("Bytes follow the pickle's STOP where the format allows none."),
  PICKLE_LIMIT_EXCEEDED("A size, count or depth in the pickle exceeds the policy's limit."),
  PICKLE_PERSISTENT_ID_INVALID("A persistent id is not a well-formed storage reference, or the format allows none."),
  PICKLE_MUTATED_AFTER_CHECK("APPEND, SETITEM, ADDITEMS or BUILD changes a value after an allowed call or BUILD received and checked it."),
  PYTORCH_TORCHSCRIPT("The archive is a TorchScript program (constants.pkl or code/), which torch.load would run as code."),
  PYTORCH_LAYOUT_INVALID("The archive's records are not all inside one root folder named by the first entry."),
  PYTORCH_UNEXPECTED_RECORD("The archive holds a record torch.save does not write."),
  PYTORCH_RECORD_INVALID("A version, byteorder or similar record has content outside the supported values."),
  PYTORCH_MISSING_RECORD("A required record (data.pkl, or the data record a storage refers to) is absent."),
  PYTORCH_UNREFERENCED_RECORD("A data record is not referenced by any storage in the pickle."),
  PYTORCH_STORAGE_SIZE_MISMATCH("A storage's declared element count times element size differs from its record's size."),
  PYTORCH_STORAGE_INCONSISTENT("One storage key is used with different types or sizes."),
  PYTORCH_TENSOR_OUT_OF_BOUNDS("A tensor's offset, sizes and strides reach outside its storage."),
  PYTORCH_LEGACY_INVALID("A legacy (stacked-pickle) checkpoint deviates from the magic, version, sys_info, keys or storage layout."),
  PYTORCH_LEGACY_TAR("The file is the pre-0.1.10 tar checkpoint format, which torch.load(weights_only=True) refuses."),
  PYTORCH_SPARSE_INDEX_INVALID("A sparse COO tensor's index is negative or not below its size in that dimension, or its indices view reads storage elements more than once."),
  ARCHIVE_7Z("The file is a 7z archive; its members are not validated."),
  ARCHIVE_COMPRESSED("The file is compressed (gzip, bzip2, xz, zstd, ...); decompress it and validate the result."),
  ARCHIVE_TAR("The file is a tar or other archive; its members are not validated."),

  // ---------------------------------------------------------------- NumPy (reserved)
  NUMPY_VERSION_UNSUPPORTED("The .npy format version is not 1.0, 2.0 or 3.0."),
  NUMPY_HEADER_INVALID("The .npy header is not exactly a dict of descr, fortran_order and shape, padded and newline-terminated."),
  NUMPY_HEADER_TOO_LARGE("The .npy header is longer than the policy allows."),
  NUMPY_DTYPE_NOT_ALLOWED("The array's dtype is native-order ('='), an unknown type, or a structured dtype that is malformed or repeats a field name."),
  NUMPY_SHAPE_INVALID("The shape is not a tuple of non-negative integers within the policy's rank limit."),
  NUMPY_SIZE_OVERFLOW("shape x itemsize overflows 64-bit arithmetic or exceeds the policy's limit."),
  NUMPY_DATA_TRUNCATED("The array data is shorter than shape x itemsize."),
  NUMPY_TRAILING_BYTES("Bytes follow the array data."),
  NUMPY_NPZ_MEMBER_INVALID("An .npz member is not named *.npy."),
  NUMPY_DTYPE_TOO_COMPLEX("A structured dtype nests deeper or has more fields than the policy allows."),

  // ---------------------------------------------------------------- GGUF (reserved)
  GGUF_MAGIC_INVALID("The file does not start with the GGUF magic."),
  GGUF_VERSION_UNSUPPORTED("The GGUF version is not 2 or 3 (v1, big-endian and future versions are rejected)."),
  GGUF_TRUNCATED("A header field, string or array runs past the end of the file (CVE-2024-21825, CVE-2024-23496)."),
  GGUF_TOO_MANY_TENSORS("The tensor count is negative as int64 or over the policy limit (CVE-2024-21836)."),
  GGUF_TOO_MANY_KEYS("The metadata key/value count is negative as int64 or over the policy limit (CVE-2024-23605)."),
  GGUF_STRING_TOO_LONG("A string is longer than the policy allows."),
  GGUF_STRING_NOT_UTF8("A key, string value or tensor name is not valid UTF-8."),
  GGUF_KEY_INVALID("A metadata key is empty, longer than 65535 bytes, or holds a NUL or control character."),
  GGUF_DUPLICATE_KEY("Two metadata entries have the same key."),
  GGUF_VALUE_TYPE_UNKNOWN("A metadata value type id is not one of the 13 known types."),
  GGUF_NESTED_ARRAY("An array's element type is ARRAY; nested arrays are rejected."),
  GGUF_ARRAY_TOO_LONG("An array has more elements than the policy allows or the file can hold (CVE-2024-21825)."),
  GGUF_BOOL_INVALID("A BOOL value is neither 0 nor 1."),
  GGUF_METADATA_TYPE_INVALID("A well-known metadata key has the wrong value type (e.g. tokenizer.ggml.scores not FLOAT32[])."),
  GGUF_METADATA_VALUE_INVALID("A well-known metadata value is out of range (e.g. block_count above the policy limit)."),
  GGUF_ALIGNMENT_INVALID("general.alignment is not a u32 power of two within the policy's range."),
  GGUF_TENSOR_NAME_INVALID("A tensor name is empty, 64 bytes or longer, or holds a NUL or control character."),
  GGUF_DUPLICATE_TENSOR("Two tensors have the same name."),
  GGUF_TOO_MANY_DIMS("A tensor has more than 4 dimensions (CVE-2024-21802)."),
  GGUF_DIM_INVALID("A tensor dimension is 2^63 or more."),
  GGUF_TENSOR_TYPE_UNKNOWN("A tensor's ggml type id is unknown or removed."),
  GGUF_BLOCK_MISALIGNED("A tensor's first dimension is not a multiple of its type's block size."),
  GGUF_SIZE_OVERFLOW("A tensor's element count, byte size or the data section size overflows 64 bits (CVE-2025-53630, CVE-2026-27940, CVE-2026-33298)."),
  GGUF_OFFSET_INVALID("A tensor's offset is not the running sum of the aligned sizes before it (gaps, overlap, reordering)."),
  GGUF_DATA_TRUNCATED("Tensor data runs past the end of the file (Ollama CVE-2026-7482)."),
  GGUF_PADDING_NONZERO("Alignment padding holds non-zero bytes."),
  GGUF_TRAILING_BYTES("Bytes follow the end of the tensor data."),
  GGUF_CHAT_TEMPLATE_UNSAFE("A chat template reaches Python internals or template loading (CVE-2024-34359-style SSTI)."),
  GGUF_SHARD_INVALID("A split GGUF model's shards are missing, misnamed, inconsistent or repeat a tensor."),
  GGUF_CHAT_TEMPLATE_NOT_PINNED("A chat template's SHA-256 is not among the policy's pinned template hashes."),
  // chat templates, wherever they live (GGUF, tokenizer_config.json, chat_template.jinja/.json)
  TEMPLATE_SYNTAX("A chat template is not valid Jinja as Jinja reads it, or uses a form safeload does not read (raw blocks, \\N{} escapes, non-ASCII outside strings in tags)."),
  TEMPLATE_TOO_COMPLEX("A chat template exceeds a bound: size, tokens, nodes, nesting, string length, integer size or analysis work."),
  TEMPLATE_CONSTRUCT_NOT_ALLOWED("A chat template uses a tag or expression form outside the allowlist (include, import, extends, call, with, recursive for, **, *args, loop(), calls of computed callees)."),
  TEMPLATE_NAME_NOT_ALLOWED("A chat template names a gadget global (lipsum, cycler, joiner, self), a name starting with '_' or not ASCII, rebinds a reserved name, or uses a callable as a value."),
  TEMPLATE_ATTRIBUTE_NOT_ALLOWED("A chat template reads a member (.n, ['n'], namespace(n=), attribute path) that starts with '_' or is reserved, or calls a method outside the allowlist."),
  TEMPLATE_FILTER_NOT_ALLOWED("A chat template uses a filter or test outside the allowlist (attr, format, xmlattr, ...) or with arguments the allowlist does not admit."),
  TEMPLATE_COMPUTED_SUBSCRIPT("A chat template subscripts with a computed key that may be a template-chosen string (Jinja falls back to getattr for str keys)."),
  TEMPLATE_FORMAT_STRING("A chat template formats with a template-chosen format string: .format beyond {} fields on a literal, format_map, or % on a string literal."),
  TEMPLATE_CONTAINER_INVALID("A chat template container is malformed: chat_template not a string or list of {name, template}, an empty, repeated or invalid name."),
  TEMPLATE_NOT_PINNED("A chat template outside GGUF has a SHA-256 that is not among the policy's pinned template hashes."),

  // ---------------------------------------------------------------- ONNX (reserved)
  ONNX_PROTOBUF_INVALID("The protobuf wire format is invalid: bad tag, group, wire type 6/7 or overlong varint."),
  ONNX_TRUNCATED("A length-delimited field runs past its enclosing message or the file."),
  ONNX_TOO_DEEP("Messages nest deeper than the policy allows (subgraphs, type protos)."),
  ONNX_LIMIT_EXCEEDED("More nodes, tensors, functions or metadata entries than the policy allows."),
  ONNX_UNKNOWN_FIELD("A field number is not part of the ONNX schema for its message."),
  ONNX_FIELD_TYPE_INVALID("A known field has the wrong wire type."),
  ONNX_DUPLICATE_FIELD("A singular field appears more than once (two readings: last-wins versus merge)."),
  ONNX_STRING_NOT_UTF8("A string field is not valid UTF-8."),
  ONNX_NOT_A_MODEL("The file has no graph, or its ir_version is missing or unsupported."),
  ONNX_OPSET_MISSING("opset_import is missing, or a node's domain has no opset import."),
  ONNX_DOMAIN_NOT_ALLOWED("A node uses an operator domain outside the policy's allowlist."),
  ONNX_DUPLICATE_NAME("Duplicate initializer names, metadata_props keys, opset domains or function ids."),
  ONNX_TENSOR_INVALID("A tensor's data type, dims or data fields are invalid or disagree with its size."),
  ONNX_EXTERNAL_DATA_INVALID("External data has a bad location (absolute, .., magic such as _ORT_MEM_ADDR_), key, offset or length."),
  ONNX_EXTERNAL_DATA_MISSING("An external data file is not a served, verified file of the model."),
  ONNX_EXTERNAL_DATA_OUT_OF_RANGE("External data offset + length runs past the end of its file."),
  ONNX_EXTERNAL_DATA_OVERLAP("Two tensors' external data ranges overlap."),
  ONNX_FUNCTION_INVALID("Model-local functions repeat an id, call each other in a cycle or nest calls deeper than 100."),

  // ---------------------------------------------------------------- signatures and revocation (reserved)
  /** The policy requires a signature and the model has no signature file. */
  SIGNATURE_MISSING("The policy requires a signature but the model has none."),
  /** The signature file is not a well-formed Sigstore bundle (bad JSON, wrong shape, bad base64, over limits). */
  SIGNATURE_BUNDLE_INVALID("The signature bundle is malformed or exceeds its limits."),
  /** The bundle's media type names a version this verifier does not support. */
  SIGNATURE_BUNDLE_VERSION_UNSUPPORTED("The signature bundle's media type or version is not supported."),
  /** The DSSE envelope is malformed: payload type, signature count or encoding. */
  SIGNATURE_ENVELOPE_INVALID("The DSSE envelope is malformed or has an unexpected payload type."),
  /** The cryptographic signature does not verify with the trusted key or certificate. */
  SIGNATURE_INVALID("The signature does not verify."),
  /** The bundle's key material (kind, hint, key) differs from what the policy trusts. */
  SIGNATURE_KEY_MISMATCH("The bundle's verification material is not what the policy trusts."),
  /** The signed in-toto statement is malformed (type, subjects, predicate). */
  SIGNATURE_STATEMENT_INVALID("The signed in-toto statement is malformed."),
  /** The statement's predicate type is not an accepted model-signing predicate. */
  SIGNATURE_PREDICATE_UNSUPPORTED("The signed statement's predicate type is not accepted by the policy."),
  /** The signed manifest is inconsistent: bad names, duplicates, empty, bad digests, root mismatch. */
  SIGNATURE_MANIFEST_INVALID("The signed manifest is malformed or inconsistent."),
  /** The signed manifest uses a serialization this verifier cannot check against the loaded bytes. */
  SIGNATURE_SERIALIZATION_UNSUPPORTED("The signed manifest's serialization cannot be checked."),
  /** A served file's digest differs from the digest in the signed manifest. */
  SIGNATURE_FILE_MISMATCH("A file's digest differs from the signed manifest."),
  /** A file named by the signed manifest is absent. */
  SIGNATURE_FILE_MISSING("A file named by the signed manifest is absent."),
  /** A file is present but the signed manifest does not name it. */
  SIGNATURE_FILE_NOT_SIGNED("A file in the model is not covered by the signature."),
  /** The signing certificate does not chain to a configured trust anchor at the validation time. */
  SIGNATURE_CERT_CHAIN_INVALID("The signing certificate does not chain to a trusted anchor."),
  /** The signer's identity (subject, SAN, fingerprint, OIDC issuer) is not the one the policy requires. */
  SIGNATURE_IDENTITY_MISMATCH("The signer's identity or issuer is not the one the policy requires."),
  /** The Sigstore trusted root is malformed or lacks a required entry. */
  SIGSTORE_TRUSTED_ROOT_INVALID("The Sigstore trusted root is malformed."),
  /** No valid signed certificate timestamp from a trusted CT log. */
  SIGSTORE_SCT_INVALID("The certificate lacks a valid signed certificate timestamp from a trusted log."),
  /** A transparency-log entry is malformed, from an untrusted log, or its signed entry timestamp fails. */
  SIGSTORE_TLOG_INVALID("A transparency-log entry is malformed, untrusted or badly signed."),
  /** A transparency-log entry does not describe this artifact, signature and key. */
  SIGSTORE_TLOG_ENTRY_MISMATCH("A transparency-log entry is not bound to this signature and artifact."),
  /** A Merkle inclusion proof does not lead to the stated root. */
  SIGSTORE_INCLUSION_PROOF_INVALID("A transparency-log inclusion proof is invalid."),
  /** A signed checkpoint is malformed, unsigned by the log, or disagrees with the proof. */
  SIGSTORE_CHECKPOINT_INVALID("A transparency-log checkpoint is invalid."),
  /** An RFC 3161 timestamp is malformed, untrusted, or over other bytes. */
  SIGSTORE_TIMESTAMP_INVALID("An RFC 3161 timestamp is invalid or untrusted."),
  /** No verified source of signing time (SET or timestamp) is present. */
  SIGSTORE_NO_VERIFIED_TIME("No verified signing time is available."),
  /** A verified signing time lies outside the validity of the signing certificate or trust root entry. */
  SIGSTORE_TIME_OUTSIDE_VALIDITY("A verified signing time lies outside the certificate's validity."),
  /** The signed artifact digest differs from the artifact. */
  SIGSTORE_ARTIFACT_MISMATCH("The signed artifact digest differs from the artifact."),
  /** A served file's SHA-256 is on the revocation list. */
  REVOKED_DIGEST("A file's digest is on the revocation list."),
  /** The model's signer (identity or key) is on the revocation list. */
  REVOKED_SIGNER("The model's signer is on the revocation list."),
  /** The revocation feed is malformed. */
  REVOKED_FEED_INVALID("The revocation feed is malformed."),

  ;

  private final String description;

  Reason(String description) {
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
