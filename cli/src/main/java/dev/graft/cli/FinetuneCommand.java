package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.ModelFormat;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.FineTuned;
import dev.graft.trainer.FineTuning;
import dev.graft.trainer.data.DataOptions;
import dev.graft.trainer.data.DataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Reuse a pretrained model on a new task with a new head.",
    description =
        "Drop the base's top layer(s), add a new head, train with the reused layers frozen (--freeze-epochs), then unfreeze and train everything (--epochs). The base file is never changed; the result is a DL4J zip plus a JSON record of how it was made.")
final class FinetuneCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "BASE",
      description =
          "Keras .h5 or .keras, graft/DL4J .zip, or ONNX (head trained on its cached activations)")
  Path base;

  @Mixin TaskOptions taskOptions = new TaskOptions();

  @Mixin TrainingOptions training = new TrainingOptions();

  @Option(
      names = "--freeze-epochs",
      defaultValue = "4",
      description = "Epochs with the reused layers frozen (default: ${DEFAULT-VALUE}).")
  int freezeEpochs;

  @Option(
      names = "--epochs",
      defaultValue = "16",
      description = "Epochs after unfreezing (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--freeze-lr", description = "Learning rate of the frozen phase (default: --lr).")
  Double freezeLr;

  @Option(
      names = "--freeze",
      paramLabel = "LAYERS",
      description =
          "Layers frozen in the first phase: indices, ranges (0-3), names or name patterns, comma-separated (default: every reused layer).")
  String freeze;

  @Option(
      names = "--drop",
      defaultValue = "1",
      description = "Top layers of the base to drop (default: ${DEFAULT-VALUE}).")
  int drop;

  @Option(
      names = "--head",
      split = ",",
      paramLabel = "UNITS:ACT",
      description =
          "The new head's Dense layers, e.g. 64:relu,1:sigmoid (default: 1:sigmoid for binary tasks, N:softmax otherwise).")
  List<String> head;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to save (default: BASE-TASK.zip in the current folder).")
  Path out;

  @Option(
      names = "--cut",
      paramLabel = "LAYER_OR_TENSOR",
      description = {
        "Train the head on cached activations of everything below this layer (or ONNX tensor), computed once",
        "by ONNX Runtime. Default for .onnx bases: just below the output layer."
      })
  String cut;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      description =
          "A base with several outputs (a main and an auxiliary head): the output whose head is"
              + " replaced; the others are dropped. The result is ONNX (trunk in ONNX Runtime).")
  String output;

  @Option(
      names = "--no-cache",
      description =
          "With --cut: recompute the frozen layers every epoch instead (for comparison). With an ONNX base: import it as trainable DL4J layers and fine-tune as Keras bases are (an unfreeze phase included).")
  boolean noCache;

  @Option(
      names = "--keep-upper",
      description = {
        "ONNX base with --cut: keep the model's own layers between the cut and "
            + "its output layer (imported as trainable DL4J layers) under the new head, and train them on the cached "
            + "activations: frozen for --freeze-epochs, then trained for --epochs. Without it only a new head is trained."
      })
  boolean keepUpper;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Activation cache (else $GRAFT_CACHE_DIR, $XDG_CACHE_HOME/graft, ~/.cache/graft).")
  Path cacheDir;

  @Option(names = "--json", description = "Print JSON: test_accuracy, test_loss, epochs, ...")
  boolean json;

  @Option(
      names = "--val-split",
      defaultValue = "0.2",
      description =
          "A folder of images without a val/ split: the part of each class held out for"
              + " validation, drawn with --seed (default: ${DEFAULT-VALUE}).")
  double valSplit;

  @Option(
      names = "--regression",
      description =
          "Labelled arrays: y holds regression targets even when its values are whole numbers"
              + " (fractions or negative values always do): a linear head trained with MSE,"
              + " reported as MSE and MAE.")
  boolean regression;

  @Option(
      names = "--skip-bad",
      description =
          "A folder of images: leave out images that cannot be decoded (corrupt, truncated),"
              + " counted in the report, instead of stopping at the first.")
  boolean skipBad;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ParseResult p = spec.commandLine().getParseResult();
    FineTuneOptions.Builder options =
        FineTuneOptions.builder()
            .dropTop(drop)
            .head(head == null ? null : head.stream().map(DenseSpec::parse).toList())
            .freeze(freeze)
            .batchSize(training.batchSize)
            .seed(training.seed);
    // epochs and optimizers left unset mean "the library's defaults for this path"
    if (p.hasMatchedOption("--freeze-epochs")) {
      options.freezeEpochs(freezeEpochs);
    }
    if (p.hasMatchedOption("--epochs")) {
      options.epochs(epochs);
    }
    if (Stream.of("--optimizer", "--lr", "--momentum").anyMatch(p::hasMatchedOption)) {
      options.optimizer(training.optimizer());
    }
    if (freezeLr != null) {
      options.freezeOptimizer(training.optimizer().withLearningRate(freezeLr));
    }
    DataSource data =
        taskOptions.source(
            DataOptions.builder().valSplit(valSplit).seed(training.seed).skipBad(skipBad).build(),
            null);
    boolean onnxTrunk =
        (ModelFormat.detect(base) == ModelFormat.ONNX || output != null) && !noCache;
    Path target =
        out != null
            ? out
            : Path.of(stem(base) + "-" + data.name() + (onnxTrunk ? ".onnx" : ".zip"));
    FineTuned tuned =
        FineTuning.builder()
            .base(base)
            .data(data)
            .options(options.build())
            .cut(cut)
            .keepUpper(keepUpper)
            .output(output)
            .noCache(noCache)
            .cacheDir(cacheDir)
            .listener(Progress.forTraining("finetune", spec.commandLine().getErr()))
            .out(target)
            .build()
            .run();
    report(tuned, target);
    return 0;
  }

  private void report(FineTuned tuned, Path target) {
    var o = spec.commandLine().getOut();
    ObjectNode record = tuned.record();
    long frozenEpochs = tuned.frozenEpochs(); // as many as ran: a converging head stops early
    if (json) {
      ObjectNode j = Json.object();
      if (tuned.test().regression()) {
        j.put("test_mse", tuned.test().loss());
        j.put("test_mae", tuned.test().mae());
      } else {
        j.put("test_accuracy", tuned.test().accuracy());
      }
      j.put("test_loss", tuned.test().loss());
      j.put("epochs", tuned.history().size());
      j.put("freeze_epochs", frozenEpochs);
      j.put("unfrozen_epochs", tuned.history().size() - frozenEpochs);
      j.put("n", tuned.test().n());
      j.put("cut", tuned.cut());
      j.put("cache_hits", tuned.cacheHit());
      j.put("out", target.toString());
      j.set("record", record);
      Json.print(o, j);
      return;
    }
    o.printf(
        "base %s (%s), %s%n",
        base, record.get("base").get("producer").asText(), tuned.dataSummary());
    if (tuned.cut() != null) {
      o.printf(
          "head on the cached activations of %s (%s)%n",
          tuned.cut(), tuned.cacheHit() ? "reused from the cache" : "computed and cached");
    }
    o.printf(
        "reused %d layers, frozen for %d epochs: %s; new head %s%n",
        tuned.reusedLayers().size(), frozenEpochs, shortList(tuned.frozenLayers()), tuned.head());
    for (EpochStats e : tuned.history()) {
      o.printf(
          "  %-8s epoch %2d  loss %.4f  val_loss %.4f%s%n",
          e.phase(),
          e.epoch(),
          e.trainLoss(),
          e.validLoss(),
          Double.isNaN(e.validAccuracy())
              ? ""
              : String.format("  val_accuracy %.4f", e.validAccuracy()));
    }
    o.print(
        tuned.test().regression()
            ? String.format("test MSE %.4f, MAE %.4f", tuned.test().loss(), tuned.test().mae())
            : String.format(
                "test accuracy %.4f, loss %.4f", tuned.test().accuracy(), tuned.test().loss()));
    o.printf(
        " (%d examples)%nsaved %s and %s%n",
        tuned.test().n(), target, FineTuneRecord.sidecar(target));
    o.flush();
  }

  /** A long layer list (a MobileNet has 150) as its first and last names. */
  private static String shortList(List<String> names) {
    if (names.size() <= 8) {
      return names.toString();
    }
    return "["
        + String.join(", ", names.subList(0, 3))
        + ", ... "
        + (names.size() - 5)
        + " more ..., "
        + String.join(", ", names.subList(names.size() - 2, names.size()))
        + "]";
  }

  static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
