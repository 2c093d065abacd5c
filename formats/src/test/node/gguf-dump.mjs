// Prints what @huggingface/gguf (an independent GGUF reader) sees in each file, one fact per line,
// for GgufDifferentialTest: "kv <key> <TYPE> <value>" and "tensor <name> <ggml id> <ne0,ne1,..> <abs offset>".
// Strings are printed as UTF-8 hex, arrays as ARRAY<TYPE>[n], numbers in decimal.
import { gguf } from "@huggingface/gguf";

const TYPES = ["UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY",
  "UINT64", "INT64", "FLOAT64"];

for (const path of process.argv.slice(2)) {
  const r = await gguf(path, { allowLocalFile: true, typedMetadata: true });
  console.log(`file\t${path}`);
  for (const [key, kv] of Object.entries(r.typedMetadata)) {
    if (key === "version" || key === "tensor_count" || key === "kv_count") {
      console.log(`${key}\t${kv.value}`);
      continue;
    }
    const type = TYPES[kv.type];
    let value;
    if (type === "ARRAY") {
      value = `ARRAY<${TYPES[kv.subType]}>[${kv.value.length}]`;
    } else if (type === "STRING") {
      value = Buffer.from(kv.value, "utf8").toString("hex");
    } else if (type === "BOOL") {
      value = kv.value ? "true" : "false";
    } else {
      value = String(kv.value);
    }
    console.log(`kv\t${key}\t${type}\t${value}`);
  }
  for (const t of r.tensorInfos) {
    console.log(`tensor\t${t.name}\t${t.dtype}\t${t.shape.join(",")}\t${r.tensorDataOffset + t.offset}`);
  }
}
