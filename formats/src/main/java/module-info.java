/**
 * Built-in format handlers. Each format's public package holds its handler and the {@link
 * dev.safeload.Setting}s it reads; parsers live in {@code dev.safeload.formats.internal}.
 */
module dev.safeload.formats {
  requires transitive dev.safeload.api; // handlers and settings expose api types
  requires tools.jackson.core;
  requires org.apache.commons.compress;
  requires static org.jspecify;

  exports dev.safeload.formats;
  exports dev.safeload.formats.gguf;
  exports dev.safeload.formats.json;
  exports dev.safeload.formats.onnx;
  exports dev.safeload.formats.safetensors;
  exports dev.safeload.formats.zip;
  exports dev.safeload.formats.pickle;
  exports dev.safeload.formats.pytorch;
  exports dev.safeload.formats.numpy;
  exports dev.safeload.formats.archive;
  exports dev.safeload.formats.tokenizer;
  exports dev.safeload.formats.template;
  exports dev.safeload.formats.modelcard;

  // Each handler adds itself here and in META-INF/services/dev.safeload.spi.FormatHandler.
  provides dev.safeload.spi.FormatHandler with
      dev.safeload.formats.gguf.GgufHandler,
      dev.safeload.formats.onnx.OnnxHandler,
      dev.safeload.formats.safetensors.SafetensorsHandler,
      dev.safeload.formats.safetensors.SafetensorsIndexHandler,
      dev.safeload.formats.json.JsonHandler,
      dev.safeload.formats.pytorch.PyTorchHandler,
      dev.safeload.formats.pickle.PickleHandler,
      dev.safeload.formats.numpy.NumpyHandler,
      dev.safeload.formats.archive.ArchiveWrapperHandler,
      dev.safeload.formats.tokenizer.VocabHandler,
      dev.safeload.formats.tokenizer.MergesHandler,
      dev.safeload.formats.tokenizer.TiktokenHandler,
      dev.safeload.formats.tokenizer.SentencePieceHandler,
      dev.safeload.formats.pytorch.PyTorchIndexHandler,
      dev.safeload.formats.template.ChatTemplateHandler;
  // The settings the handlers read (safeload.json refuses other names).
  provides dev.safeload.spi.SettingCatalog with
      dev.safeload.formats.internal.FormatSettings;
  provides dev.safeload.spi.FileDescriber with
      dev.safeload.formats.modelcard.ModelCardDescriber;
  provides dev.safeload.spi.SecondReader with
      dev.safeload.formats.readers.TarReader,
      dev.safeload.formats.readers.ZipReader,
      dev.safeload.formats.readers.PickleReader,
      dev.safeload.formats.readers.NpyReader,
      dev.safeload.formats.readers.JoblibReader,
      dev.safeload.formats.readers.OrtFormatReader;
}
