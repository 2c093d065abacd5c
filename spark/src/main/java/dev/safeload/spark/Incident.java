package dev.safeload.spark;

import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

/**
 * The incident question over an {@link Inventory}: which models and files hold a revoked digest, or
 * were signed by a revoked signer?
 *
 * <p>The feed is either a revocation feed (the JSON {@link RevocationList} format that {@code
 * safeload verify --revocations} and {@code safeload bom find --revoked} read: revoked digests and
 * signers), or a plain digest list: one SHA-256 per line as 64 hex digits (optionally {@code
 * sha256:}-prefixed), optionally followed by whitespace and a note (so {@code sha256sum} output
 * works); blank lines and lines starting with {@code #} are skipped. A document starting with an
 * opening brace is a feed, anything else a digest list. Either is read and checked on the driver
 * (an invalid one stops the query: an incident answer from half a feed would be wrong), then
 * travels to the executors with the task and is looked up once per inventory row: a broadcast hash
 * join, linear in the inventory.
 *
 * <table>
 *   <caption>Columns of the answer</caption>
 *   <tr><th>column</th><th>meaning</th></tr>
 *   <tr><td>model, file, sha256</td><td>the inventory row that matched</td></tr>
 *   <tr><td>match</td><td>{@code digest} (the file's SHA-256 is revoked) or {@code signer} (a proof
 *       covering the file names a revoked signer)</td></tr>
 *   <tr><td>revoked</td><td>the revoked digest or signer identity</td></tr>
 *   <tr><td>reason</td><td>the reason the feed gives (for a digest list: the line's note, or where
 *       it was listed)</td></tr>
 * </table>
 */
public final class Incident {
  /** The answer's schema. */
  public static final StructType SCHEMA =
      new StructType()
          .add("model", DataTypes.StringType, false)
          .add("file", DataTypes.StringType, true)
          .add("sha256", DataTypes.StringType, true)
          .add("match", DataTypes.StringType, false)
          .add("revoked", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false);

  private Incident() {}

  /**
   * The inventory rows a feed or digest list names, sorted by model, file, match and revoked.
   *
   * @param feedUri a revocation feed or digest list, any Hadoop URI or local path the driver reads
   * @throws IOException if the feed cannot be read
   * @throws IllegalArgumentException if it is neither a valid feed nor a valid digest list
   */
  public static Dataset<Row> affected(SparkSession spark, Dataset<Row> inventory, String feedUri)
      throws IOException {
    Path p = new Path(feedUri);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    byte[] bytes;
    try (InputStream in = fs.open(p)) {
      bytes = in.readNBytes(ScanOptions.MAX_FILE_BYTES + 1);
    }
    if (bytes.length > ScanOptions.MAX_FILE_BYTES) {
      throw new IllegalArgumentException(feedUri + ": larger than " + ScanOptions.MAX_FILE_BYTES);
    }
    return affected(spark, inventory, Feed.of(p.getName(), bytes));
  }

  static Dataset<Row> affected(SparkSession spark, Dataset<Row> inventory, Feed feed) {
    JavaRDD<Row> hits = inventory.javaRDD().mapPartitions(new Lookup(feed));
    return spark
        .createDataFrame(hits, SCHEMA)
        .distinct()
        .orderBy(
            functions.col("model"),
            functions.col("file"),
            functions.col("match"),
            functions.col("revoked"));
  }

  /** What was revoked: looks digests and signers up. */
  interface Matcher {
    Optional<String> digest(Sha256 digest);

    Optional<String> signer(Signer signer);
  }

  /** A feed's name and bytes, checked when made. */
  static final class Feed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final byte[] bytes;

    private Feed(String name, byte[] bytes) {
      this.name = name;
      this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException if the bytes are neither a valid feed nor a digest list
     */
    static Feed of(String name, byte[] bytes) {
      Feed f = new Feed(Objects.requireNonNull(name, "name"), bytes.clone());
      f.matcher(); // fail on the driver, before the job
      return f;
    }

    Matcher matcher() {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (text.strip().startsWith("{")) {
        RevocationList list;
        try {
          list = RevocationList.parse(bytes);
        } catch (SignatureVerificationException e) {
          throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return new Matcher() {
          @Override
          public Optional<String> digest(Sha256 digest) {
            return list.revokedDigest(digest);
          }

          @Override
          public Optional<String> signer(Signer signer) {
            return list.revokedSigner(signer);
          }
        };
      }
      Map<Sha256, String> digests = digestList(name, text);
      return new Matcher() {
        @Override
        public Optional<String> digest(Sha256 digest) {
          return Optional.ofNullable(digests.get(digest));
        }

        @Override
        public Optional<String> signer(Signer signer) {
          return Optional.empty();
        }
      };
    }

    private static Map<Sha256, String> digestList(String name, String text) {
      Map<Sha256, String> digests = new HashMap<>();
      int lineNo = 0;
      for (String line : text.split("\n", -1)) {
        lineNo++;
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] parts = l.split("\\s+", 2);
        String hex = parts[0].startsWith("sha256:") ? parts[0].substring(7) : parts[0];
        Sha256 d;
        try {
          d = Sha256.ofHex(hex);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              name + " line " + lineNo + ": not a SHA-256 digest (64 hex digits)", e);
        }
        digests.put(d, parts.length > 1 ? parts[1] : "listed in " + name);
      }
      return digests;
    }
  }

  /** Looks every row of a partition up in the feed, parsed once per partition. */
  private static final class Lookup implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final Feed feed;

    Lookup(Feed feed) {
      this.feed = feed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Matcher m = feed.matcher();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        InventoryRow r = InventoryRow.fromRow(rows.next());
        String sha = r.sha256();
        if (sha != null) {
          Optional<String> why = m.digest(Sha256.ofHex(sha));
          if (why.isPresent()) {
            out.add(hit(r, "digest", sha, why.get()));
          }
        }
        for (InventoryRow.ProofRow p : r.proofs()) {
          @Nullable Signer s = p.toSigner();
          if (s != null) {
            Optional<String> why = m.signer(s);
            if (why.isPresent()) {
              out.add(hit(r, "signer", s.identity(), why.get()));
            }
          }
        }
      }
      return out.iterator();
    }

    private static Row hit(InventoryRow r, String match, String revoked, String reason) {
      return RowFactory.create(r.model(), r.file(), r.sha256(), match, revoked, reason);
    }
  }
}
