package dev.graft.cli;

import dev.graft.AtomicWrite;
import dev.graft.runtime.ModelOptions;
import dev.graft.trainer.Evaluated;
import dev.graft.trainer.Evaluation;
import dev.graft.trainer.data.DataOptions;
import dev.graft.trainer.data.DataSource;
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
    DataSource data =
        taskOptions.source(
            DataOptions.builder().skipBad(skipBad).regression(regression).build(), "all");
    Evaluated e = Evaluation.run(model, data, ModelOptions.builder().device(device).build());
    var out = spec.commandLine().getOut();
    if (e.regression()) {
      EvalReport.printRegression(out, json, e);
    } else {
      EvalReport.print(out, json, e.about(), e.headline(), e.metrics(), e.classNames(), plot);
    }
    return 0;
  }
}
