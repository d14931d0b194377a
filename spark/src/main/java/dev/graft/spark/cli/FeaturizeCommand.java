package dev.graft.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.spark.ExampleSources;
import dev.graft.spark.ModelFile;
import dev.graft.spark.SparkFeaturize;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "featurize",
    mixinStandardHelpOptions = true,
    header = "Run a model's frozen trunk over labelled data on Spark, into Parquet.",
    description =
        "Rows: id, file, label, split, content_sha256, features (the trunk's output, flattened)."
            + " The features column's metadata records the trunk, the cut, the preprocessing, the"
            + " class names and the content key.")
final class FeaturizeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "An .onnx model.")
  Path model;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "OUT.parquet",
      description = "Where the features go.")
  String output;

  @Mixin DataOptions data;

  @Mixin SparkOptions spark;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!output.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
      throw GraftException.usage("--output: a .parquet folder, not " + output);
    }
    ModelFile base = ModelFile.read(model);
    long[] done = new long[2];
    String[] described = new String[2];
    ExampleSources sources =
        spark.inSession(
            "featurize",
            s -> {
              ExampleSources listed = data.sources(s, base);
              SparkFeaturize.Features f =
                  SparkFeaturize.featurize(s, base, data.cut, listed, null, spark.run());
              dev.graft.spark.OutputFiles.writeParquet(f.rows(), output);
              done[0] = s.read().parquet(output).count();
              done[1] = listed.examples().size() - done[0];
              described[0] = f.cutTensor();
              described[1] = f.key();
              return listed;
            });
    var o = spec.commandLine().getOut();
    if (spark.json) {
      ObjectNode j = SparkOptions.object();
      j.put("model", model.toString());
      j.put("cut", described[0]);
      j.put("n", done[0]);
      j.put("unreadable_images_skipped", done[1]);
      j.putPOJO("classes", sources.classNames());
      j.put("key", described[1]);
      j.put("output", output);
      o.println(j.toPrettyString());
    } else {
      o.printf(
          "%s cut at %s: %d examples of classes %s featurized -> %s (key %s)%n",
          model, described[0], done[0], sources.classNames(), output, described[1]);
    }
    o.flush();
    return 0;
  }
}
