package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.data.ArrayData;
import dev.graft.data.RegressionArrays;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.data.Task;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header =
        "Report a model's accuracy, loss, per-class metrics and confusion matrix on a task's"
            + " test images or a folder of labelled images.")
final class EvalCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "Keras .h5, graft/DL4J .zip or .onnx")
  Path model;

  @Mixin TaskOptions taskOptions = new TaskOptions();

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "For ONNX models: cpu, cuda[:ID] or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--json",
      description =
          "Print JSON: accuracy, loss, n, per_class (precision, recall, f1, support),"
              + " confusion (rows: true class, columns: predicted).")
  boolean json;

  @Option(names = "--plot", paramLabel = "PNG", description = "Draw the confusion matrix.")
  Path plot;

  @Option(
      names = "--skip-bad",
      description =
          "A folder of images: leave out images that cannot be decoded (corrupt, truncated),"
              + " counted in the report, instead of stopping at the first.")
  boolean skipBad;

  @Option(
      names = "--regression",
      description =
          "Arrays: y holds regression targets (MSE and MAE), even when every target is a whole"
              + " number. Without it, targets with fractions or signs are read as regression.")
  boolean regression;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (plot != null) {
      AtomicWrite.checkWritable(plot);
    }
    try (LoadedModel loaded = LoadedModel.open(model, device)) {
      Path images = taskOptions.imageFolder();
      if (images != null) {
        return ImageEval.run(loaded, model, images, json, plot, skipBad, spec);
      }
      if (taskOptions.data != null
          && ArrayData.looksLikeOne(taskOptions.data.toString())
          && !taskOptions.data.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
        ArrayData.Pair pair = ArrayData.evaluationPair(taskOptions.data.toString());
        if (regression || ArrayData.holdsTargets(pair.y())) {
          return RegressionEval.run(loaded, model, RegressionArrays.of(pair), 256, json, spec);
        }
      } else if (regression) {
        throw GraftException.usage("--regression goes with --data X.npz or X.npy,Y.npy");
      }
      ArrayData arrays = taskOptions.arrays();
      if (arrays != null) {
        return ArrayEval.run(loaded, model, arrays, json, plot, spec);
      }
      Task task = taskOptions.resolve(taskOptions.given() || loaded.outputs() != 10 ? null : "all");
      Metrics m = Evaluator.evaluate(loaded.classifier(), taskOptions.load(task).test());
      ObjectNode fields = Json.object();
      fields.put("model", model.toString());
      fields.put("title", model.getFileName() + " on " + task.name());
      fields.put("task", task.describe());
      EvalReport.print(
          spec.commandLine().getOut(),
          json,
          fields,
          model + " on " + task.describe() + " (test images)",
          m,
          task.labelNames(),
          plot);
    }
    return 0;
  }
}
