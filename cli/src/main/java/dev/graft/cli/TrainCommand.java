package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelWriter;
import dev.graft.converter.Network;
import dev.graft.data.Npy;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.LearningCurves;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.WeightReuse;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.SpecJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Train a network from a JSON spec on a task.",
    description =
        "Dense layers, initializers, activations, batch norm, dropout, max-norm, l1/l2, optimizer, learning-rate schedule and gradient clipping come from the spec; some layers' weights may come from another model. Validation every epoch, early stopping that restores the best weights, checkpoints that --resume continues from, learning curves.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.json")
  Path specFile;

  @Mixin TaskOptions taskOptions = new TaskOptions();

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "The trained network (DL4J zip), with a JSON record beside it.")
  Path out;

  @Option(names = "--epochs", description = "Default: 30.")
  int epochs = 30;

  @Option(names = "--batch-size", description = "Default: 32.")
  int batchSize = 32;

  @Option(
      names = "--patience",
      description =
          "Early stopping: stop after N epochs without a better validation loss and restore the best weights (default 0: off).")
  int patience;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description =
          "Write checkpoints here (at each new best, and every --checkpoint-every epochs).")
  Path checkpointDir;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "Also checkpoint every N epochs.")
  int checkpointEvery;

  @Option(
      names = "--resume",
      description =
          "Continue from the newest checkpoint in --checkpoint-dir (a killed run ends as an uninterrupted one would).")
  boolean resume;

  @Option(
      names = "--plot",
      paramLabel = "PNG",
      description =
          "Save the learning curves (loss, val_loss, val_accuracy, learning rate) as a PNG.")
  Path plot;

  @Option(
      names = "--reuse-from",
      paramLabel = "MODEL",
      description = "Copy weights from this model (Keras, DL4J zip or ONNX) before training.")
  Path reuseFrom;

  @Option(
      names = "--reuse",
      paramLabel = "PATTERN",
      description = {
        "With --reuse-from: its layers whose names match this "
            + "regular expression, in order, go into this network's dense layers in order (e.g. 'dense_21[7-9]')."
      })
  String reusePattern;

  @Option(
      names = "--set-weights",
      paramLabel = "LAYER=KERNEL.npy[,BIAS.npy]",
      description = {
        "Set a layer's kernel "
            + "([in, out], Keras's layout) and bias from .npy arrays before training (repeatable)."
      })
  List<String> setWeights = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print JSON: test_accuracy, test_loss, epochs, best_epoch, history.")
  boolean json;

  @Spec CommandSpec spec;

  private static INDArray npy(Path file) {
    Npy.Array a = Npy.read(file);
    return Nd4j.create(a.data(), a.shape(), 'c');
  }

  @Override
  public Integer call() {
    if (FineTuneRecord.sidecar(out)
        .toAbsolutePath()
        .normalize()
        .equals(specFile.toAbsolutePath().normalize())) {
      throw dev.graft.GraftException.usage(
          "--out "
              + out
              + " would write its record to "
              + specFile
              + ", the spec itself; choose another --out name");
    }
    NetworkSpec network = SpecJson.read(specFile);
    Task task = taskOptions.resolve(null);
    TaskData data = taskOptions.load(task);
    FineTuneRecord.checkTargets(out); // before training, not after it
    if (plot != null) {
      AtomicWrite.checkWritable(plot);
    }
    TrainOptions options =
        new TrainOptions(epochs, batchSize, patience, checkpointDir, checkpointEvery, resume);
    if ((reuseFrom == null) != (reusePattern == null)) {
      throw dev.graft.GraftException.usage("--reuse-from and --reuse go together");
    }
    Network source = reuseFrom == null ? null : ModelLoader.load(reuseFrom);
    List<String> reused = new ArrayList<>();
    TrainingLoop.Result r =
        TrainingLoop.train(
            network,
            data,
            options,
            Progress.forTraining("train"),
            n -> {
              if (source != null) {
                reused.addAll(WeightReuse.copyMatching(source, reusePattern, n));
              }
              for (String s : setWeights) {
                int eq = s.indexOf('=');
                if (eq < 1) {
                  throw dev.graft.GraftException.usage(
                      "--set-weights is LAYER=KERNEL.npy[,BIAS.npy], not '" + s + "'");
                }
                String[] files = s.substring(eq + 1).split(",");
                INDArray kernel = npy(Path.of(files[0]));
                INDArray bias = files.length > 1 ? npy(Path.of(files[1])) : null;
                WeightReuse.setWeights(n, s.substring(0, eq), kernel, bias);
                reused.add(s);
              }
            });
    ObjectNode record = Json.object();
    record.put("spec", specFile.toString());
    try {
      record.set("network", Json.MAPPER.readTree(SpecJson.write(network)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    record.put("task", task.describe());
    record.put("test_accuracy", r.test().accuracy());
    record.put("test_loss", r.test().loss());
    record.put("epochs", r.history().size());
    record.put("best_epoch", r.bestEpoch());
    record.put("stopped_early", r.stoppedEarly());
    record.put("resumed_after_epoch", r.resumedAfter());
    reused.forEach(record.putArray("weights_from")::add);
    ArrayNode history = record.putArray("history");
    for (int i = 0; i < r.history().size(); i++) {
      EpochStats e = r.history().get(i);
      history
          .addObject()
          .put("epoch", e.epoch())
          .put("loss", e.trainLoss())
          .put("val_loss", e.validLoss())
          .put("val_accuracy", e.validAccuracy())
          .put("learning_rate", r.learningRates().get(i));
    }
    ObjectNode meta = Json.object();
    meta.set("training", record);
    ModelWriter.write(r.network(), out, dev.graft.converter.ExportOptions.defaults(), meta);
    AtomicWrite.writeString(FineTuneRecord.sidecar(out), record.toPrettyString() + "\n");
    if (plot != null) {
      LearningCurves.save(
          plot, r.history(), r.learningRates(), network.name() + " on " + task.name());
    }
    var o = spec.commandLine().getOut();
    if (json) {
      Json.print(o, record);
      return 0;
    }
    reused.forEach(w -> o.println("weights: " + w));
    if (r.resumedAfter() > 0) {
      o.printf("resumed after epoch %d from %s%n", r.resumedAfter(), checkpointDir);
    }
    for (int i = r.resumedAfter(); i < r.history().size(); i++) {
      EpochStats e = r.history().get(i);
      o.printf(
          "  epoch %3d  loss %.4f  val_loss %.4f  val_accuracy %.4f  lr %.3g%n",
          e.epoch(), e.trainLoss(), e.validLoss(), e.validAccuracy(), r.learningRates().get(i));
    }
    o.printf(
        "%sbest epoch %d; test accuracy %.4f, loss %.4f (%d images)%nsaved %s%n",
        r.stoppedEarly() ? "stopped early; " : "",
        r.bestEpoch(),
        r.test().accuracy(),
        r.test().loss(),
        r.test().n(),
        out);
    o.flush();
    return 0;
  }
}
