package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
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
    header = "Report a model's accuracy and loss on the Fashion-MNIST test images of a task.")
final class EvalCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "Keras .h5, graft/DL4J .zip or .onnx")
  Path model;

  @Mixin TaskOptions taskOptions = new TaskOptions();

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "For ONNX models: cpu, cuda[:ID] or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--json", description = "Print JSON: accuracy, loss, n.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedModel loaded = LoadedModel.open(model, device)) {
      Path images = taskOptions.data;
      if (images != null && dev.graft.data.ImageFolder.looksLikeOne(images)) {
        if (taskOptions.given()) {
          throw GraftException.usage(
              "--data "
                  + images
                  + " holds class folders: it goes without --task, --classes, --exclude");
        }
        return ImageEval.run(loaded, model, images, json, spec);
      }
      Task task = taskOptions.resolve(taskOptions.given() || loaded.outputs() != 10 ? null : "all");
      Metrics m = Evaluator.evaluate(loaded.classifier(), taskOptions.load(task).test());
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = Json.object();
        o.put("model", model.toString());
        o.put("task", task.describe());
        o.put("accuracy", m.accuracy());
        o.put("loss", m.loss());
        o.put("n", m.n());
        Json.print(out, o);
      } else {
        out.printf(
            "%s on %s: test accuracy %.4f, loss %.4f (%d images)%n",
            model, task.describe(), m.accuracy(), m.loss(), m.n());
        out.flush();
      }
    }
    return 0;
  }
}
