package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.converter.onnx.importer.OnnxImporter;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.ActivationCache;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.GraphStitch;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The chapter's "caching frozen layers", for any ONNX model: the frozen trunk (everything below the
 * cut) runs once over the data in ONNX Runtime, its activations are kept in an {@link
 * ActivationCache}, and only the new head is trained in DL4J, on those activations. The trunk is
 * never converted, so it may hold operators graft cannot import.
 */
public final class CachedFineTuner {
  static final int TRUNK_BATCH = 256;

  private CachedFineTuner() {}

  /** The trained head, the trunk it sits on, and both joined into one ONNX model. */
  public record Result(
      Network head,
      ModelProto trunk,
      ModelProto stitched,
      String cutTensor,
      List<EpochStats> history,
      List<String> cacheKeys,
      boolean[] cacheHits) {}

  /**
   * Trains a new head for {@code options.freezeEpochs()} epochs on the trunk's activations.
   *
   * @param cache where activations are kept; null computes them in memory only
   */
  public static Result train(
      ModelProto base,
      String cut,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    return train(base, cut, data, options, cache, runtime, listener, new Random(options.seed()));
  }

  private static Result train(
      ModelProto base,
      String cut,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener,
      Random shuffler) {
    if (options.freezeEpochs() < 1) {
      throw GraftException.parameter(
          "freezeEpochs",
          "must be at least 1: the head trains on cached activations, with the trunk frozen");
    }
    GraphCut.Halves halves = GraphCut.cut(base, cut);
    Cached c = features(halves, data, cache, runtime, listener);
    int columns = c.train().featureCount();
    List<DenseSpec> head = headOf(options, data);
    List<DenseSpec> hidden = head.subList(0, head.size() - 1);
    Network headNet =
        DenseStack.build(
            "head",
            columns,
            hidden,
            head.get(head.size() - 1),
            options.freezeOptimizer(),
            options.seed());
    // a single linear head starts from the least-squares fit, any other regression head from the
    // targets' mean
    if (!LeastSquaresHead.fit(
        headNet.sequential(), head.get(head.size() - 1), hidden.size(), c.train())) {
      TargetMeanBias.apply(headNet.sequential(), c.train());
    }
    Nd4j.getRandom().setSeed(options.seed());
    List<EpochStats> history =
        Fitter.fit(
            headNet,
            headNet.sequential(),
            c.train(),
            c.valid(),
            "cached",
            options.freezeEpochs(),
            options.headPatience(),
            options.batchSize(),
            shuffler,
            listener,
            options.fastPath());
    return new Result(
        headNet,
        halves.trunk(),
        stitch(base, halves, headNet, "head/"),
        halves.tensor(),
        history,
        c.keys(),
        c.hits());
  }

  /**
   * Like {@link #train}, but the model's own layers between the cut and its output layer are kept:
   * imported to DL4J as trainable layers, their output layer replaced by the new head, and trained
   * on the cached activations as {@link FineTuner} trains a base (reused layers frozen for {@code
   * freezeEpochs}, then everything above the cut for {@code epochs}). The trunk stays frozen.
   */
  public static Result trainUpper(
      ModelProto base,
      String cut,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    GraphCut.Halves halves = GraphCut.cut(base, cut);
    Cached c = features(halves, data, cache, runtime, listener);
    Network upper =
        OnnxImporter.importModel(
            halves.rest(), null, "the layers above " + halves.tensor(), Map.of(), "");
    FineTuneResult tuned =
        FineTuner.fineTune(
            upper, new TaskData(data.task(), c.train(), c.valid(), c.test()), options, listener);
    return new Result(
        tuned.network(),
        halves.trunk(),
        stitch(base, halves, tuned.network(), "upper/"),
        halves.tensor(),
        tuned.history(),
        c.keys(),
        c.hits());
  }

  /** The trunk's activations of each split, their cache keys, and which came from the cache. */
  private record Cached(
      Examples train, Examples valid, Examples test, List<String> keys, boolean[] hits) {}

  /**
   * The trunk's activations for the train, validation and test splits, from the cache or computed
   * (and cached).
   */
  private static Cached features(
      GraphCut.Halves halves,
      TaskData data,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    byte[] trunkBytes = halves.trunk().toByteArray();
    Examples[] features = new Examples[3];
    List<String> keys = new ArrayList<>();
    boolean[] hits = new boolean[3];
    try (OnnxModel trunk = OnnxModel.load(trunkBytes, runtime)) {
      Examples[] splits = {data.train(), data.valid(), data.test()};
      String[] names = {"train", "valid", "test"};
      for (int i = 0; i < 3; i++) {
        String key =
            ActivationCache.key(
                trunkBytes, halves.tensor(), splits[i].features(), "float32 pixels/255");
        keys.add(key);
        String description =
            "{\"data\": \""
                + data.task().describe().replace("\"", "'")
                + " "
                + names[i]
                + "\", \"cut\": \""
                + halves.tensor().replace("\"", "'")
                + "\"}";
        boolean[] computed = {false};
        features[i] = activations(trunk, splits[i], key, description, cache, listener, computed);
        hits[i] = cache != null && !computed[0]; // from the cache when the trunk never ran
      }
    }
    return new Cached(features[0], features[1], features[2], keys, hits);
  }

  /**
   * {@code trained} exported at the base model's opset (within what the exporter writes) and joined
   * under the trunk.
   */
  private static ModelProto stitch(
      ModelProto base, GraphCut.Halves halves, Network trained, String prefix) {
    int opset =
        (int) Math.max(ExportOptions.MIN_OPSET, Math.min(ExportOptions.MAX_OPSET, opset(base)));
    ModelProto onnx = OnnxExporter.export(trained, ExportOptions.builder().opset(opset).build());
    return GraphStitch.stitch(halves.trunk(), onnx, prefix);
  }

  /**
   * The reuse recipe on a DL4J network with the frozen phase on cached activations: every layer up
   * to {@code cutLayer} is reused and frozen, the head trains on the trunk's cached output, then
   * (if {@code options.epochs() > 0}) the whole network trains in DL4J, as {@link FineTuner} does.
   */
  public static FineTuneResult fineTune(
      Network base,
      String cutLayer,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      TrainingListener listener) {
    return fineTune(base, cutLayer, data, options, cache, listener, new boolean[1]);
  }

  /** As above; {@code allFromCache[0]} tells whether the trunk never ran. */
  static FineTuneResult fineTune(
      Network base,
      String cutLayer,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      TrainingListener listener,
      boolean[] allFromCache) {
    Fitter.refuseMasked(base);
    List<String> names =
        base.isSequential()
            ? base.layerNames()
            : GraphSurgery.reusedLayers((ComputationGraph) base.model());
    int keep = base.isSequential() ? names.indexOf(cutLayer) + 1 : names.size();
    if (base.isSequential()
        ? keep == 0 || keep == names.size()
        : !cutLayer.equals(belowHead(base))) {
      throw GraftException.parameter(
          "cut",
          "names the last layer kept; '"
              + cutLayer
              + "' is not one of "
              + (base.isSequential()
                  ? names.subList(0, names.size() - 1)
                  : "[" + belowHead(base) + "] (in a graph, the head replaces the output layer)"));
    }
    if (options.freeze() != null) {
      throw GraftException.parameter(
          "freeze",
          "does not apply when the head trains on cached activations: every layer below the cut"
              + " is frozen");
    }
    ModelProto onnx = OnnxExporter.export(base, ExportOptions.defaults());
    Random shuffler = new Random(options.seed());
    Result cached =
        train(
            onnx,
            OnnxExporter.layerOutput(onnx, cutLayer),
            data,
            options,
            cache,
            ModelOptions.defaults(),
            listener,
            shuffler);
    allFromCache[0] = allHits(cached);
    List<DenseSpec> head = headOf(options, data);
    var trained = cached.head().sequential();
    Model net;
    if (base.isSequential()) {
      MultiLayerNetwork stack =
          NetworkSurgery.withNewHead(
              base.sequential(),
              keep,
              head,
              java.util.Set.of(),
              options.optimizer().updater(),
              options.seed());
      for (int j = 0; j < head.size(); j++) {
        stack.getLayer(keep + j).setParams(trained.getLayer(j).params().dup());
      }
      net = stack;
    } else {
      ComputationGraph graph =
          GraphSurgery.withNewHead(
              (ComputationGraph) base.model(),
              head,
              java.util.Set.of(),
              options.optimizer().updater(),
              options.seed());
      List<String> headNames = GraphSurgery.headLayers(graph, names);
      for (int j = 0; j < head.size(); j++) {
        graph.getLayer(headNames.get(j)).setParams(trained.getLayer(j).params().dup());
      }
      net = graph;
    }
    List<EpochStats> history = new ArrayList<>(cached.history());
    if (options.epochs() > 0) {
      history.addAll(
          Fitter.fit(
              base,
              net,
              data.train(),
              data.valid(),
              "unfrozen",
              options.epochs(),
              options.batchSize(),
              shuffler,
              listener,
              options.fastPath()));
    }
    Network tuned = base.withModel(net);
    return new FineTuneResult(
        tuned,
        history,
        names.subList(0, keep),
        names.subList(0, keep),
        head,
        Evaluator.evaluate(tuned, data.test()));
  }

  /**
   * Where the head goes by default: the last layer kept when the output layer is replaced (in a
   * graph, the layer feeding the output layer), or null when that is not one layer.
   */
  public static String belowHead(Network base) {
    if (base.isSequential()) {
      List<String> names = base.layerNames();
      return names.size() < 2 ? null : names.get(names.size() - 2);
    }
    return GraphSurgery.intoOutput((ComputationGraph) base.model());
  }

  /** Whether every split's activations came from the cache. */
  static boolean allHits(Result r) {
    boolean[] hits = r.cacheHits();
    for (boolean hit : hits) {
      if (!hit) {
        return false;
      }
    }
    return true;
  }

  /** The head given, else one output layer fitted to the task: sigmoid, softmax or linear. */
  static List<DenseSpec> headOf(FineTuneOptions options, TaskData data) {
    if (options.head() != null) {
      return options.head();
    }
    Task task = data.task();
    String activation = task.regression() ? "linear" : task.binary() ? "sigmoid" : "softmax";
    return List.of(new DenseSpec(task.outputs(), activation));
  }

  /** {@code computed[0]} is set when the trunk had to run (nothing usable in the cache). */
  private static Examples activations(
      OnnxModel trunk,
      Examples split,
      String key,
      String description,
      ActivationCache cache,
      TrainingListener listener,
      boolean[] computed) {
    int rows = split.size();
    int d = split.featureCount();
    int columns = (int) (trunk.outputShape(1).length == 0 ? 0 : product(trunk.outputShape(1)));
    ActivationCache.Producer producer =
        (from, to) -> {
          computed[0] = true;
          return trunk.predict(
              java.util.Arrays.copyOfRange(split.features(), from * d, to * d), to - from);
        };
    float[] values;
    if (cache != null) {
      values =
          cache
              .getOrCompute(
                  key,
                  rows,
                  columns,
                  TRUNK_BATCH,
                  description,
                  producer,
                  (done, total) -> listener.featuresComputed("activations", done, total))
              .data();
    } else {
      values = new float[rows * columns];
      for (int from = 0; from < rows; from += TRUNK_BATCH) {
        int to = Math.min(rows, from + TRUNK_BATCH);
        System.arraycopy(
            producer.compute(from, to), 0, values, from * columns, (to - from) * columns);
        listener.featuresComputed("activations", to, rows);
      }
    }
    return split.withFeatures(values, columns);
  }

  private static long product(long[] shape) {
    long p = 1;
    for (int i = 1; i < shape.length; i++) {
      p *= shape[i];
    }
    return p;
  }

  private static long opset(ModelProto model) {
    return model.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty())
        .mapToLong(o -> o.getVersion())
        .findFirst()
        .orElse(ExportOptions.MIN_OPSET);
  }
}
