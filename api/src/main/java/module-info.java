/**
 * The safeload front door: {@link dev.safeload.SafeModelLoader}, its policy and findings, the
 * format-handler SPI and the provenance SPI. Implementation lives in {@code dev.safeload.internal},
 * which is not exported.
 */
module dev.safeload.api {
  requires static org.jspecify;

  exports dev.safeload;
  exports dev.safeload.spi;
  exports dev.safeload.provenance;

  uses dev.safeload.spi.FormatHandler;
  uses dev.safeload.spi.SecondReader;
  uses dev.safeload.spi.FileDescriber;
  uses dev.safeload.spi.SettingCatalog;
}
