package dev.graft.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.data.Npy;
import dev.graft.data.PredictionCsv;
import dev.graft.data.Preprocessing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code graft spark predict}: an ONNX model over images (a folder or one file) or an array (.npy,
 * CSV), on the executors, with the preprocessing the model records. Writes Parquet ({@code file},
 * {@code top_class}, {@code top_probability}, {@code probabilities}), or the CSV or .npy that
 * {@code graft predict} writes for the same input, row for row.
 */
public final class SparkPredict {
  private SparkPredict() {}

  /** What a run did, for reports. */
  public record Result(
      long n,
      int skippedFiles,
      long unreadableSkipped,
      String preprocessing,
      String output,
      Map<String, Long> topClassCounts) {}

  /** {@code preprocess} and {@code resize}: as graft predict's (auto: what the model records). */
  public static Result run(
      SparkSession spark,
      ModelFile model,
      String input,
      String output,
      String preprocess,
      String resize,
      RunOptions run) {
    String ext = OutputFiles.extension(output);
    if (!List.of("parquet", "csv", "npy").contains(ext)) {
      throw GraftException.usage("--output: a .parquet, .csv or .npy, not " + output);
    }
    if (!ext.equals("parquet")) {
      AtomicWrite.checkWritable(Path.of(output));
    }
    boolean parquet = OutputFiles.extension(input).equals("parquet");
    Preprocessing pre =
        !parquet && ExampleSources.isImages(input)
            ? Preprocessing.forModel(
                model.path().toString(), model.exampleShape(), model.recorded(), preprocess, resize)
            : null;
    JavaRDD<Example> examples;
    long total;
    int skippedFiles = 0;
    String described;
    if (parquet) {
      Dataset<Row> table = spark.read().parquet(input);
      examples = ParquetExamples.of(table, input);
      total = table.count();
      described = "values as given";
    } else {
      ExampleSources sources =
          ExampleSources.forPrediction(
              spark, input, model.exampleShape(), pre, model.recorded(), preprocess);
      examples = Distributed.parallelize(spark, sources.examples(), run.batchSize());
      total = sources.examples().size();
      skippedFiles = sources.skipped();
      described = pre != null ? pre.toString() : "values scaled " + sources.scaling();
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedModel shipped = ShippedModel.ship(sc, model.proto().toByteArray(), run.device());
    Dataset<Row> outputs =
        Distributed.outputs(spark, shipped, examples, pre, model.exampleShape(), run).orderBy("id");
    long n;
    Map<String, Long> counts;
    if (ext.equals("parquet")) {
      List<String> classes = PredictionCsv.classNames(model.classNames(), model.outputs());
      Column values = col("values");
      Column best = array_position(values, array_max(values)).cast("int");
      Column names = array(classes.stream().map(c -> lit(c)).toArray(Column[]::new));
      Dataset<Row> table =
          outputs.select(
              col("file"),
              element_at(names, best).as("top_class"),
              array_max(values).as("top_probability"),
              values.as("probabilities"));
      OutputFiles.writeParquet(table, output);
      counts = new LinkedHashMap<>();
      classes.forEach(c -> counts.put(c, 0L));
      for (Row r : spark.read().parquet(output).groupBy("top_class").count().collectAsList()) {
        counts.put(r.getString(0), r.getLong(1));
      }
      n = counts.values().stream().mapToLong(Long::longValue).sum();
    } else {
      List<Row> rows = Distributed.run(() -> outputs.select("file", "values").collectAsList());
      n = rows.size();
      if (n == 0) {
        throw GraftException.badInput(input + ": no image could be read");
      }
      int k = rows.get(0).getList(1).size();
      float[] y = new float[(int) n * k];
      List<String> files = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        files.add(rows.get(i).getString(0));
        List<Float> v = rows.get(i).getList(1);
        for (int c = 0; c < k; c++) {
          y[i * k + c] = v.get(c);
        }
      }
      List<String> classes = PredictionCsv.classNames(model.classNames(), k);
      counts = PredictionCsv.topClassCounts(y, (int) n, classes);
      if (ext.equals("npy")) {
        Npy.write(Path.of(output), y, new long[] {n, k});
      } else {
        StringBuilder sb = new StringBuilder(PredictionCsv.header(classes));
        for (int i = 0; i < n; i++) {
          sb.append(PredictionCsv.row(files.get(i), y, i * k, classes));
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(Path.of(output), tmp -> Files.write(tmp, bytes));
      }
    }
    // left out with skipBad: counted from the rows written, which a re-run task cannot double
    return new Result(n, skippedFiles, total - n, described, output, counts);
  }
}
