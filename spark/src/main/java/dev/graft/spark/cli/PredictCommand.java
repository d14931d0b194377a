package dev.graft.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.spark.ModelFile;
import dev.graft.spark.SparkPredict;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    header = "Run an ONNX model over images or an array on Spark.",
    description =
        "The same inputs as graft predict. --output x.parquet: file, top_class, top_probability,"
            + " probabilities; x.csv or x.npy: exactly what graft predict writes, row for row.")
final class PredictCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "An .onnx model (graft convert makes one).")
  Path model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "DIR|IMAGE|X.npy|X.csv",
      description =
          "A folder of images (searched recursively), one image, a .npy, a CSV or Parquet; images"
              + " also under a file system URI (hdfs://, s3a://, file:/...).")
  String input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "OUT.parquet|OUT.csv|OUT.npy",
      description = "Where the predictions go.")
  String output;

  @Option(
      names = "--preprocess",
      defaultValue = "auto",
      description = "As graft predict: auto, unit, tf, torch, caffe or none.")
  String preprocess;

  @Option(
      names = "--resize",
      defaultValue = "auto",
      description = "As graft predict: auto, stretch or crop.")
  String resize;

  @Mixin SparkOptions spark;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ModelFile read = ModelFile.read(model); // a bad model file is refused before Spark starts
    SparkPredict.Result r =
        spark.inSession(
            "predict",
            s -> SparkPredict.run(s, read, input, output, preprocess, resize, spark.run()));
    var o = spec.commandLine().getOut();
    if (spark.json) {
      ObjectNode j = SparkOptions.object();
      j.put("model", model.toString());
      j.put("n", r.n());
      j.put("skipped", r.skippedFiles());
      j.put("unreadable_images_skipped", r.unreadableSkipped());
      j.put("preprocessing", r.preprocessing());
      j.put("output", r.output());
      ObjectNode counts = j.putObject("top_class_counts");
      r.topClassCounts().forEach(counts::put);
      o.println(j.toPrettyString());
    } else {
      o.printf(
          "%s: %d examples (%d other files skipped, %d unreadable images left out), %s -> %s%n"
              + "top class: %s%n",
          model,
          r.n(),
          r.skippedFiles(),
          r.unreadableSkipped(),
          r.preprocessing(),
          r.output(),
          String.join(
              ", ",
              r.topClassCounts().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .toList()));
    }
    o.flush();
    return 0;
  }
}
