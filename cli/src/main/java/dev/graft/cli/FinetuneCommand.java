package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.data.ArrayData;
import dev.graft.runtime.ActivationCache;
import dev.graft.trainer.CachedFineTuner;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.FineTuneResult;
import dev.graft.trainer.FineTuner;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;
import java.util.List;
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
      names = "--skip-bad",
      description =
          "A folder of images: leave out images that cannot be decoded (corrupt, truncated),"
              + " counted in the report, instead of stopping at the first.")
  boolean skipBad;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // --data DIR of class folders: the user's own images instead of a Fashion-MNIST task
    Path imageDir = taskOptions.imageFolder();
    // --data FILE: labelled arrays (.npz, X.npy,Y.npy, CSV)
    ArrayData arrays = imageDir == null ? taskOptions.arrays() : null;
    Task task = imageDir != null || arrays != null ? null : taskOptions.resolve(null);
    FineTuneOptions options =
        FineTuneOptions.builder()
            .dropTop(drop)
            .head(head == null ? null : head.stream().map(DenseSpec::parse).toList())
            .freeze(freeze)
            .freezeEpochs(freezeEpochs)
            .epochs(epochs)
            .optimizer(training.optimizer())
            .freezeOptimizer(
                freezeLr == null ? null : training.optimizer().withLearningRate(freezeLr))
            .batchSize(training.batchSize)
            .seed(training.seed)
            .build();
    boolean onnxBase = ModelFormat.detect(base) == ModelFormat.ONNX;
    HeadDefaults.Chosen chosen =
        HeadDefaults.apply(
            options,
            !noCache && !keepUpper && (onnxBase || cut != null),
            imageDir != null || arrays != null,
            spec.commandLine().getParseResult());
    options = chosen.options();
    if (chosen.converges()) {
      spec.commandLine().getErr().println("graft: note: " + chosen.note());
    }
    String taskName =
        imageDir != null
            ? imageDir.getFileName().toString()
            : arrays != null ? stem(taskOptions.data) : task.name();
    if (onnxBase && !noCache) {
      // the base is checked first (a hostile file is refused as such), then --out, then the data
      dev.graft.onnx.ModelProto checked = dev.graft.ExternalData.parseChecked(base);
      Path onnxTarget = out != null ? out : Path.of(stem(base) + "-" + taskName + ".onnx");
      if (!onnxTarget.getFileName().toString().endsWith(".onnx")) {
        throw GraftException.usage(
            "an ONNX base gives an ONNX model (trunk and new head stitched): --out must end in"
                + " .onnx");
      }
      FineTuneRecord.checkTargets(onnxTarget); // before any image is decoded
      OwnData own = null;
      if (imageDir != null || arrays != null) {
        try (LoadedModel loaded = LoadedModel.open(base, "cpu")) {
          own =
              ownData(imageDir, arrays, loaded.classifier().exampleShape(), loaded.preprocessing());
        }
      }
      TaskData data = own != null ? own.data() : taskOptions.load(task);
      return new OnnxFinetune(this, checked, data, own, options, onnxTarget).run();
    }
    Network network = ModelLoader.load(base);
    Path target = out != null ? out : Path.of(stem(base) + "-" + taskName + ".zip");
    FineTuneRecord.checkTargets(target); // after the base is checked, before training
    OwnData own =
        imageDir != null || arrays != null
            ? ownData(imageDir, arrays, network.inputShape(), network.preprocessing())
            : null;
    TaskData data = own != null ? own.data() : taskOptions.load(task);
    task = data.task();
    var listener = Progress.forTraining("finetune");
    // A head trained to convergence on the user's data trains on the trunk's cached activations
    // (the trunk runs once, in ONNX Runtime), as --cut just below the head would.
    String cutLayer =
        cut == null && chosen.converges() && freeze == null && !noCache
            ? CachedFineTuner.belowHead(network)
            : cut;
    // An ONNX base with --no-cache is imported as DL4J layers and trained as Keras bases are.
    FineTuneResult result =
        cutLayer == null || noCache
            ? FineTuner.fineTune(
                network,
                data,
                noCache && cut != null ? dropAbove(network, options) : options,
                listener)
            : CachedFineTuner.fineTune(
                network,
                cutLayer,
                data,
                options,
                new ActivationCache(ActivationCache.defaultDir(cacheDir)),
                listener);
    ObjectNode record = FineTuneRecord.describe(network, data, options, result);
    Network tuned = result.network();
    if (own != null) {
      // the class names and the images' preprocessing travel with the model
      tuned = tuned.withClassNames(own.classNames());
      if (own.preprocessing() != null) {
        tuned = tuned.withPreprocessing(own.preprocessing());
      }
      record.set(own.recordKey(), own.source());
    }
    FineTuneRecord.save(tuned, target, record);

    var o = spec.commandLine().getOut();
    // as many as ran: a head trained to convergence stops when it stops improving
    long frozenEpochs =
        result.history().stream().filter(e -> !e.phase().equals("unfrozen")).count();
    if (json) {
      ObjectNode j = Json.object();
      j.put("test_accuracy", result.test().accuracy());
      j.put("test_loss", result.test().loss());
      j.put("epochs", result.history().size());
      j.put("freeze_epochs", frozenEpochs);
      j.put("unfrozen_epochs", result.history().size() - frozenEpochs);
      j.put("n", result.test().n());
      j.put("out", target.toString());
      j.set("record", record);
      Json.print(o, j);
      return 0;
    }
    if (own != null) {
      o.printf("base %s (%s), %s%n", base, network.producer(), own.summary());
    } else {
      o.printf(
          "base %s (%s), task %s: %d training images%n",
          base, network.producer(), task.describe(), data.train().size());
    }
    o.printf(
        "reused %d layers, frozen for %d epochs: %s; new head %s%n",
        result.reusedLayers().size(),
        frozenEpochs,
        shortList(result.frozenLayers()),
        result.head());
    for (EpochStats e : result.history()) {
      o.printf(
          "  %-8s epoch %2d  loss %.4f  val_loss %.4f  val_accuracy %.4f%n",
          e.phase(), e.epoch(), e.trainLoss(), e.validLoss(), e.validAccuracy());
    }
    o.printf(
        "test accuracy %.4f, loss %.4f (%d images)%nsaved %s and %s%n",
        result.test().accuracy(),
        result.test().loss(),
        result.test().n(),
        target,
        FineTuneRecord.sidecar(target));
    o.flush();
    return 0;
  }

  /**
   * --no-cache with --cut: the plain path with the same layers reused (everything up to the cut).
   */
  private FineTuneOptions dropAbove(Network network, FineTuneOptions options) {
    int index = network.layerNames().indexOf(cut);
    if (index < 0) {
      throw GraftException.usage(
          "--cut: no layer named '" + cut + "'; layers: " + network.layerNames());
    }
    return FineTuneOptions.builder()
        .dropTop(network.layerNames().size() - index - 1)
        .head(options.head())
        .freeze(options.freeze())
        .freezeEpochs(options.freezeEpochs())
        .epochs(options.epochs())
        .optimizer(options.optimizer())
        .freezeOptimizer(options.freezeOptimizer())
        .batchSize(options.batchSize())
        .seed(options.seed())
        .build();
  }

  /** The user's images or arrays, prepared for a base taking {@code inputShape}. */
  private OwnData ownData(Path imageDir, ArrayData arrays, long[] inputShape, String recorded) {
    return OwnData.load(
        base,
        imageDir,
        arrays,
        taskOptions.data,
        inputShape,
        recorded,
        valSplit,
        training.seed,
        skipBad);
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
