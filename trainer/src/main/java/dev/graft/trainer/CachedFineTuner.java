package dev.graft.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.graft.trainer.data.ExampleStream;
import dev.graft.trainer.data.Examples;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.data.TaskStreams;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private CachedFineTuner() {}

  /**
   * The trained head, the trunk it sits on, and both joined into one ONNX model; the trunk's
   * activations of each split (as many rows as examples were kept); the head's test metrics on the
   * test activations.
   */
  public record Result(
      Network head,
      ModelProto trunk,
      ModelProto stitched,
      String cutTensor,
      List<EpochStats> history,
      List<String> cacheKeys,
      boolean[] cacheHits,
      TaskData activations,
      Metrics test) {}

  /**
   * Trains a new head for {@code options.freezeEpochs()} epochs on the trunk's activations.
   *
   * @param cache where activations are kept; null computes them in memory only
   */
  public static Result train(
      ModelProto base,
      String cut,
      TaskStreams data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    return train(base, cut, data, options, cache, runtime, listener, new Random(options.seed()));
  }

  /** As above, on examples in memory. */
  public static Result train(
      ModelProto base,
      String cut,
      TaskData data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    return train(base, cut, data.streams(), options, cache, runtime, listener);
  }

  private static Result train(
      ModelProto base,
      String cut,
      TaskStreams data,
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
    List<DenseSpec> head = headOf(options, data.task());
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
        c.hits(),
        c.data(),
        Evaluator.evaluate(headNet, c.test()));
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
    return trainUpper(base, cut, data.streams(), options, cache, runtime, listener);
  }

  /** As above, on streamed examples (images decoded while the trunk goes over them once). */
  public static Result trainUpper(
      ModelProto base,
      String cut,
      TaskStreams data,
      FineTuneOptions options,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    GraphCut.Halves halves = GraphCut.cut(base, cut);
    Cached c = features(halves, data, cache, runtime, listener);
    Network upper =
        OnnxImporter.importModel(
            halves.rest(), null, "the layers above " + halves.tensor(), Map.of(), "");
    FineTuneResult tuned = FineTuner.fineTune(upper, c.data(), options, listener);
    return new Result(
        tuned.network(),
        halves.trunk(),
        stitch(base, halves, tuned.network(), "upper/"),
        halves.tensor(),
        tuned.history(),
        c.keys(),
        c.hits(),
        c.data(),
        tuned.test());
  }

  /** The trunk's activations of each split, their cache keys, and which came from the cache. */
  private record Cached(TaskData data, List<String> keys, boolean[] hits) {
    Examples train() {
      return data.train();
    }

    Examples valid() {
      return data.valid();
    }

    Examples test() {
      return data.test();
    }
  }

  /**
   * The trunk's activations for the train, validation and test splits, from the cache or computed
   * (and cached) in one pass over each split; a test split that is the validation split is not gone
   * over twice.
   */
  private static Cached features(
      GraphCut.Halves halves,
      TaskStreams data,
      ActivationCache cache,
      ModelOptions runtime,
      TrainingListener listener) {
    byte[] trunkBytes = halves.trunk().toByteArray();
    Examples[] features = new Examples[3];
    List<String> keys = new ArrayList<>();
    boolean[] hits = new boolean[3];
    try (OnnxModel trunk = OnnxModel.load(trunkBytes, runtime)) {
      ExampleStream[] splits = {data.train(), data.valid(), data.test()};
      String[] names = {"train", "valid", "test"};
      for (int i = 0; i < 3; i++) {
        if (i == 2 && splits[2] == splits[1]) {
          features[2] = features[1];
          keys.add(keys.get(1));
          hits[2] = hits[1];
          continue;
        }
        String key = ActivationCache.key(trunkBytes, halves.tensor(), splits[i].contentKey());
        keys.add(key);
        ObjectNode description = JSON.createObjectNode();
        description.put("data", data.task().describe() + " " + names[i]);
        description.put("cut", halves.tensor());
        boolean[] computed = {false};
        features[i] = activations(trunk, splits[i], key, description, cache, listener, computed);
        hits[i] = cache != null && !computed[0]; // from the cache when the trunk never ran
      }
    }
    return new Cached(new TaskData(data.task(), features[0], features[1], features[2]), keys, hits);
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
    return fineTune(base, cutLayer, data.streams(), options, cache, listener, new boolean[1]);
  }

  /**
   * As above, on streamed examples: only an unfrozen phase ({@code options.epochs() > 0}) holds
   * every example in memory. {@code allFromCache[0]} tells whether the trunk never ran.
   */
  static FineTuneResult fineTune(
      Network base,
      String cutLayer,
      TaskStreams data,
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
    List<DenseSpec> head = headOf(options, data.task());
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
    Network tuned = base.withModel(net);
    // without an unfrozen phase the network is the trunk under the head just tested on the test
    // split's activations; with one, every layer trains on the examples themselves
    Metrics test = cached.test();
    if (options.epochs() > 0) {
      TaskData all = data.load();
      history.addAll(
          Fitter.fit(
              base,
              net,
              all.train(),
              all.valid(),
              "unfrozen",
              options.epochs(),
              options.batchSize(),
              shuffler,
              listener,
              options.fastPath()));
      test = Evaluator.evaluate(tuned, all.test());
    }
    return new FineTuneResult(
        tuned, history, names.subList(0, keep), names.subList(0, keep), head, test);
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
  static List<DenseSpec> headOf(FineTuneOptions options, Task task) {
    if (options.head() != null) {
      return options.head();
    }
    String activation = task.regression() ? "linear" : task.binary() ? "sigmoid" : "softmax";
    return List.of(new DenseSpec(task.outputs(), activation));
  }

  /**
   * A split's activations: a cache entry whose rows match the examples it kept, else one pass of
   * the trunk over the split (stored, with the indices of the examples it left out, in the entry's
   * description). {@code computed[0]} is set when the trunk ran.
   */
  private static Examples activations(
      OnnxModel trunk,
      ExampleStream split,
      String key,
      ObjectNode description,
      ActivationCache cache,
      TrainingListener listener,
      boolean[] computed) {
    if (cache != null) {
      ActivationCache.Entry entry = cache.get(key);
      int[] leftOut = entry == null ? null : leftOut(entry.description());
      if (leftOut != null && entry.rows() == split.count() - leftOut.length) {
        return split.withFeatures(entry.data(), (int) entry.columns(), leftOut);
      }
    }
    computed[0] = true;
    Examples a =
        split.through(
            rowsThrough(trunk),
            ExampleStream.batchFor(split.featureCount(), TRUNK_BATCH),
            (done, total) -> listener.featuresComputed("activations", done, total));
    if (cache != null) {
      var left = description.putArray("left_out");
      java.util.Arrays.stream(split.leftOut()).forEach(left::add);
      cache.put(key, a.size(), a.featureCount(), a.features(), description.toString());
    }
    return a;
  }

  /**
   * The trunk as a function of rows of examples; a trunk with several inputs takes each its columns
   * of a row, in input order (how {@code DataSource.prepareInputs} joins them).
   */
  private static ExampleStream.Model rowsThrough(OnnxModel trunk) {
    List<dev.graft.runtime.TensorInfo> inputs = trunk.inputs();
    if (inputs.size() == 1) {
      return trunk::predict;
    }
    int[] sizes = new int[inputs.size()];
    for (int i = 0; i < sizes.length; i++) {
      long[] shape = inputs.get(i).shape(); // the batch, then one example
      sizes[i] = (int) java.util.Arrays.stream(shape, 1, shape.length).reduce(1, (a, c) -> a * c);
    }
    int width = java.util.Arrays.stream(sizes).sum();
    return (rows, n) -> {
      List<float[]> parts = new ArrayList<>();
      int offset = 0;
      for (int size : sizes) {
        float[] part = new float[n * size];
        for (int r = 0; r < n; r++) {
          System.arraycopy(rows, r * width + offset, part, r * size, size);
        }
        parts.add(part);
        offset += size;
      }
      return trunk.run(parts, n).get(0);
    };
  }

  /** The examples an entry's pass left out, or null when its description does not say. */
  private static int[] leftOut(String description) {
    try {
      var left = JSON.readTree(description).get("left_out");
      if (left == null || !left.isArray()) {
        return null;
      }
      int[] out = new int[left.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = left.get(i).asInt();
      }
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }

  private static long opset(ModelProto model) {
    return model.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty())
        .mapToLong(o -> o.getVersion())
        .findFirst()
        .orElse(ExportOptions.MIN_OPSET);
  }
}
