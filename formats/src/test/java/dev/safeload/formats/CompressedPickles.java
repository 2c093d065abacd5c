package dev.safeload.formats;

import java.util.HexFormat;

/** Malicious pickles in every wrapper joblib.load unwraps, for the laundering tests. */
public final class CompressedPickles {
  private CompressedPickles() {}

  /**
   * builtins.print('pwned') pickled (protocol 2), compressed by /usr/bin/python3 (zlib, gzip with
   * mtime 0, bz2, lzma.FORMAT_XZ, lzma.FORMAT_ALONE) and in joblib's old ZF wrapper.
   */
  public static byte[] of(String kind) {
    HexFormat h = HexFormat.of();
    return h.parseHex(
        switch (kind) {
          case "zlib" ->
              "789c6b604a4e2acdcc29c9cc2be62a28cacc2be18a606560602828cf4b4d2964680dd20300bd160a82";
          case "gzip" ->
              "1f8b08000000000002036b604a4e2acdcc29c9cc2be62a28cacc2be18a606560602828cf4b4d2964680"
                  + "dd20300162c0a9621000000";
          case "bz2" ->
              "425a6839314159265359695f28cf00000fd3c05210000110401e257e8042002000314006234d3468440"
                  + "0d0034da8e69696889515c5b5d53540d23df81900f12f8bb9229c284834af946780";
          case "xz" ->
              "fd377a585a000004e6d6b4460200210116000000742fe5a30100208002636275696c74696e730a7072"
                  + "696e740a580500000070776e6564710085522e000000001fce2a4b420b88d800013921cf286b62"
                  + "1fb6f37d010000000004595a";
          case "lzma" ->
              "5d00008000ffffffffffffffff0040008802f2c36991ba9808c1761b618c70d022785dac75ee05b442"
                  + "3bf0a3db57dc552d2cfffff06ba000";
          case "zf" ->
              "5a4630783231202020202020202020202020202020789c6b604a4e2acdcc29c9cc2be62a28cacc2be1"
                  + "8a606560602828cf4b4d2964680dd20300bd160a82";
          default -> throw new IllegalArgumentException(kind);
        });
  }
}
