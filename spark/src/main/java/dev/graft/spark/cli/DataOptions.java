package dev.graft.spark.cli;

import dev.graft.data.Preprocessing;
import dev.graft.spark.ExampleSources;
import dev.graft.spark.ModelFile;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The labelled data and the cut, as graft finetune takes them. */
final class DataOptions {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR|FILE",
      description =
          "An image folder (DIR/<class>/*, or DIR/train, DIR/val, DIR/test; a local path or a"
              + " file system URI: hdfs://, s3a://, file:/), .npz (x, y or x_train, y_train, x_test,"
              + " y_test), X.npy,Y.npy, or a CSV with --label.")
  String data;

  @Option(names = "--label", paramLabel = "COLUMN", description = "CSV: the label's column.")
  String label;

  @Option(
      names = "--cut",
      paramLabel = "LAYER",
      description = "Where the trunk ends (default: the input of the last dense layer).")
  String cut;

  @Option(
      names = "--val-split",
      defaultValue = "0.2",
      description =
          "Validation fraction when the data has no val split, per class (default:"
              + " ${DEFAULT-VALUE}).")
  double valSplit;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds the validation split and the head (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Featurized data is kept in DIR/spark (default: $GRAFT_CACHE_DIR, else ~/.cache/graft).")
  Path cacheDir;

  /** The examples, prepared as {@code base} expects its input. */
  ExampleSources sources(SparkSession spark, ModelFile base) {
    Preprocessing pre =
        ExampleSources.isImages(data)
            ? Preprocessing.forModel(
                base.path().toString(), base.exampleShape(), base.recorded(), "auto", "auto")
            : null;
    return ExampleSources.forTraining(
        spark, data, label, base.exampleShape(), pre, base.recorded(), valSplit, seed);
  }

  /** The data's name for default output names: the folder's or the file's, without extension. */
  String stem() {
    String name = Path.of(data.split(",")[0]).getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
