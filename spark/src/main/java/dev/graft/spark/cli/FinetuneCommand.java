package dev.graft.spark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.runtime.ActivationCache;
import dev.graft.spark.ModelFile;
import dev.graft.spark.SparkFinetune;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    header = "Fine-tune a new head on an ONNX base's frozen trunk, on Spark.",
    description =
        "The trunk featurizes the data on the executors (kept in the cache, keyed by content), a"
            + " head trains with Spark MLlib (logistic regression with its L2 strength chosen on"
            + " the validation split, or --hidden N for a perceptron), and trunk and head are"
            + " stitched into one ONNX model carrying the class names and the preprocessing. The"
            + " same --data as graft finetune; --json prints the same keys.")
final class FinetuneCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BASE", description = "An .onnx model (graft convert makes one).")
  Path base;

  @Option(
      names = "--out",
      paramLabel = "MODEL.onnx",
      description = "The stitched model (default: BASE-DATA.onnx).")
  Path out;

  @Option(
      names = "--hidden",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "A hidden layer of N sigmoid units (MLlib's perceptron); 0: logistic regression.")
  int hidden;

  @Option(
      names = "--max-iter",
      defaultValue = "200",
      description = "Most L-BFGS iterations per fit (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Mixin DataOptions data;

  @Mixin SparkOptions spark;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (hidden < 0 || maxIter < 1) {
      throw GraftException.usage("--hidden must be 0 or more and --max-iter at least 1");
    }
    String name = base.getFileName().toString();
    Path target =
        out != null
            ? out
            : Path.of(
                name.substring(0, name.length() - ".onnx".length()) + "-" + data.stem() + ".onnx");
    if (!target.getFileName().toString().endsWith(".onnx")) {
      throw GraftException.usage("--out: the stitched model is ONNX; end it in .onnx");
    }
    ModelFile model = ModelFile.read(base);
    AtomicWrite.checkWritable(target);
    AtomicWrite.checkWritable(record(target));
    SparkFinetune.Options options =
        new SparkFinetune.Options(
            hidden, maxIter, data.seed, ActivationCache.defaultDir(data.cacheDir), spark.run());
    SparkFinetune.Result r =
        spark.inSession(
            "finetune",
            s -> SparkFinetune.run(s, model, data.cut, data.sources(s, model), options));
    AtomicWrite.writeBytes(target, r.stitched().toByteArray());
    AtomicWrite.writeString(record(target), provenance(r).toPrettyString() + "\n");
    var o = spec.commandLine().getOut();
    if (spark.json) {
      ObjectNode j = SparkOptions.object();
      j.put("test_accuracy", r.testAccuracy());
      j.put("test_loss", r.testLoss());
      j.put("epochs", r.iterations());
      j.put("n", r.test());
      j.put("cut", r.cutTensor());
      j.put("cache_hits", r.cacheHit());
      j.put("out", target.toString());
      j.put("head", r.head());
      j.put("train", r.train());
      j.put("validation", r.valid());
      j.put("unreadable_images_skipped", r.unreadableSkipped());
      o.println(j.toPrettyString());
    } else {
      o.printf(
          "base %s cut at %s (features %s); classes %s: %d training, %d validation, %s%n"
              + "head %s, %d iterations%n"
              + "stitched model: test accuracy %.4f, loss %.4f (%d examples)%nsaved %s%n",
          base,
          r.cutTensor(),
          r.cacheHit() ? "reused from the cache" : "computed and cached",
          r.classes(),
          r.train(),
          r.valid(),
          (r.testIsValidation() ? "the validation examples as test" : r.test() + " test")
              + (r.unreadableSkipped() == 0
                  ? ""
                  : "; " + r.unreadableSkipped() + " unreadable images left out"),
          r.head(),
          r.iterations(),
          r.testAccuracy(),
          r.testLoss(),
          r.test(),
          target);
    }
    o.flush();
    return 0;
  }

  /** How the model was made, beside it as graft finetune's record is ({@code mine.json}). */
  private ObjectNode provenance(SparkFinetune.Result r) {
    ObjectNode j = SparkOptions.object();
    j.put("base", base.toString());
    j.put("base_sha256", dev.graft.Sha256.hex(base));
    j.put("cut", r.cutTensor());
    j.put("data", data.data);
    j.putPOJO("classes", r.classes());
    j.put("preprocessing", r.preprocessing());
    j.put("train", r.train());
    j.put("validation", r.valid());
    j.put("test", r.test());
    j.put("head", r.head());
    j.put("iterations", r.iterations());
    j.put("seed", data.seed);
    j.put("test_accuracy", r.testAccuracy());
    j.put("test_loss", r.testLoss());
    j.put("features_cache_key", r.cacheKey());
    j.put("trained_on", "Spark MLlib (graft spark finetune)");
    return j;
  }

  private static Path record(Path target) {
    String name = target.getFileName().toString();
    return target.resolveSibling(name.substring(0, name.length() - ".onnx".length()) + ".json");
  }
}
