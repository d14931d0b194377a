package dev.graft.spark;

import static org.apache.spark.sql.functions.col;

import dev.graft.MetadataKeys;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.GraphCut;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;

/**
 * {@code graft spark featurize}: a frozen trunk (the model cut as {@code graft finetune --cut} cuts
 * it) over a labelled data set on the executors, into Parquet - the distributed activation cache.
 * Its key is the content, as on one machine: the trunk's bytes, the cut, the preprocessing, and
 * every example's split, label and SHA-256 (of the image file's bytes, or the array row's values),
 * so renaming or moving the data reuses the entry and changing one pixel does not.
 *
 * <p>Rows: {@code id}, {@code file}, {@code label}, {@code split}, {@code content_sha256}, {@code
 * features} (the trunk's output, flattened row-major). The {@code features} column's metadata
 * records the trunk's SHA-256, the cut, the preprocessing, the class names and the key.
 */
public final class SparkFeaturize {
  private SparkFeaturize() {}

  /** Featurized examples; {@code cacheHit}: they were read from the cache, not computed. */
  public record Features(
      Dataset<Row> rows, ModelProto trunk, String cutTensor, String key, boolean cacheHit) {}

  /**
   * {@code cut}: a layer or tensor name, or null for the input of the last dense layer; {@code
   * cacheDir}: where entries live ({@code <dir>/spark/<key>.parquet}), or null to compute without
   * keeping.
   */
  public static Features featurize(
      SparkSession spark,
      ModelFile base,
      String cut,
      ExampleSources sources,
      Path cacheDir,
      RunOptions run) {
    String at = cut != null ? cut : GraphCut.belowHead(base.proto());
    GraphCut.Halves halves = GraphCut.cut(base.proto(), at);
    ModelProto trunk = halves.trunk();
    byte[] trunkBytes = trunk.toByteArray();
    String preprocessing =
        sources.preprocessing() != null
            ? sources.preprocessing().toString()
            : "arrays " + sources.scaling();
    // hashed once: the key is made of them, and the rows carry them
    List<Example> examples = withContentShas(spark, sources.examples());
    String key = key(trunkBytes, halves.tensor(), preprocessing, examples);
    Metadata meta =
        new MetadataBuilder()
            .putString("graft.trunk_sha256", dev.graft.Sha256.hex(trunkBytes))
            .putString("graft.cut", halves.tensor())
            .putString("graft.preprocessing", preprocessing)
            .putString(MetadataKeys.CLASS_NAMES, String.join("\n", sources.classNames()))
            .putString("graft.key", key)
            .build();
    if (cacheDir != null) {
      String entry = cacheDir.resolve("spark").resolve(key + ".parquet").toUri().toString();
      if (complete(entry)) {
        return new Features(spark.read().parquet(entry), trunk, halves.tensor(), key, true);
      }
      Dataset<Row> rows = compute(spark, trunkBytes, base, sources, examples, run, meta);
      OutputFiles.writeParquet(rows, entry);
      return new Features(spark.read().parquet(entry), trunk, halves.tensor(), key, false);
    }
    Dataset<Row> rows = compute(spark, trunkBytes, base, sources, examples, run, meta);
    return new Features(rows, trunk, halves.tensor(), key, false);
  }

  private static Dataset<Row> compute(
      SparkSession spark,
      byte[] trunk,
      ModelFile base,
      ExampleSources sources,
      List<Example> examples,
      RunOptions run,
      Metadata meta) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return Distributed.outputs(
            spark,
            ShippedModel.ship(sc, trunk, run.device()),
            Distributed.parallelize(spark, examples, run.batchSize()),
            sources.preprocessing(),
            base.exampleShape(),
            run)
        .select(
            col("id"),
            col("file"),
            col("label"),
            col("split"),
            col("content_sha256"),
            col("values").as("features", meta));
  }

  /** The examples with their content SHA-256, in order: image files read on the executors. */
  static List<Example> withContentShas(SparkSession spark, List<Example> examples) {
    if (examples.isEmpty() || examples.get(0).uri() == null) {
      return examples.stream()
          .map(e -> e.withContentSha256(dev.graft.Sha256.hex(ModelOutputs.floatBytes(e.values()))))
          .toList();
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(examples.size(), sc.defaultParallelism() * 4));
    return Distributed.run(
        () -> sc.parallelize(examples, slices).map(e -> e.withContentSha256(fileSha(e))).collect());
  }

  private static String fileSha(Example e) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(e.uri()));
    FileSystem fs = p.getFileSystem(new Configuration());
    try (InputStream in = fs.open(p)) {
      return dev.graft.Sha256.hex(in);
    }
  }

  static String key(byte[] trunk, String cut, String preprocessing, List<Example> examples) {
    MessageDigest d = dev.graft.Sha256.digest();
    d.update(trunk);
    for (String s : List.of(cut, preprocessing)) {
      d.update((byte) 0);
      d.update(s.getBytes(StandardCharsets.UTF_8));
    }
    for (Example e : examples) {
      String line = "\n" + e.split() + " " + e.label() + " " + e.contentSha256();
      d.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static boolean complete(String entry) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(entry));
      FileSystem fs = p.getFileSystem(new Configuration());
      return fs.exists(new org.apache.hadoop.fs.Path(p, "_SUCCESS"));
    } catch (IOException e) {
      return false;
    }
  }
}
