package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.Preprocessors;
import dev.graft.converter.layers.FrozenBatchNormalization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Keras-to-DL4J direction: builds a DL4J layer stack from Keras layers (channels last, as Keras
 * keeps it), or translates one layer at a time for {@link FunctionalBuilder}. Tracks the Keras
 * shape of the tensor between layers and hands each layer to its {@link LayerCodec}, which adds
 * DL4J layers, preprocessors and the loaders that set weights once the network exists.
 */
final class KerasToDl4j {

  private final Path file;
  private final LayerWeights weights;
  private final NeuralNetConfiguration.ListBuilder list =
      new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list();

  /** Per DL4J layer index: sets the layer's parameters from the file once the network exists. */
  private final Map<Integer, Consumer<org.deeplearning4j.nn.api.Layer>> loaders = new HashMap<>();

  /** The DL4J layers made so far, by index (the graph builder assembles them itself). */
  private final List<Layer> made = new ArrayList<>();

  /** Preprocessors waiting for the next layer, applied in order (Rescaling, then Flatten, say). */
  private final Map<Integer, List<InputPreProcessor>> preprocessors = new HashMap<>();

  private long[] shape;
  private int index;

  /** The layer being translated. */
  private FlatLayer current;

  /** Whether layers are translated one by one for FunctionalBuilder's graph. */
  private boolean inGraph;

  private org.deeplearning4j.nn.conf.dropout.IDropout pendingDropout;
  private String pendingDropoutName;

  /** Whether the model's input masks token 0 (an Embedding with mask_zero=True on it). */
  private boolean maskZero;

  /** Whether the current tensor still carries that mask (until a layer uses it up). */
  private boolean masked;

  /** Whether a trainable layer with parameters has been placed (graphs: in topological order). */
  private boolean trainableSoFar;

  KerasToDl4j(Path file, LayerWeights weights, long[] inputShape) {
    this.file = file;
    this.weights = weights;
    this.shape = inputShape.clone();
  }

  MultiLayerNetwork build() {
    if (index == 0) {
      throw GraftException.badInput(file + ": the model has no layers");
    }
    if (preprocessors.containsKey(index)) {
      throw GraftException.unsupported(
          file
              + ": the model ends in a Rescaling, Normalization or Flatten layer with "
              + "nothing after it");
    }
    preprocessors.forEach((at, pps) -> list.inputPreProcessor(at, Preprocessors.combine(pps)));
    var conf = list.build();
    long params = 0;
    for (var c : conf.getConfs()) {
      params += c.getLayer().initializer().numParams(c);
    }
    DeclaredSizes.checkParams(file, params);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    loaders.forEach((at, load) -> load.accept(net.getLayer(at)));
    return net;
  }

  void add(FlatLayer layer) {
    current = layer;
    LayerCodec codec = LayerCodecs.forKeras(layer.className());
    if (codec == null) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + layer.name()
              + "' of type "
              + layer.className()
              + " is not supported (supported: "
              + LayerCodecs.kerasClasses()
              + ")");
    }
    if (masked
        && !MASK_PASSING.contains(layer.className())
        && !MASK_USING.contains(layer.className())) {
      throw unsupported(
          layer.name(),
          layer.className()
              + " after an Embedding with mask_zero=True (masking passes through dropout into"
              + " LSTM, GRU, SimpleRNN, Bidirectional or GlobalAveragePooling1D)");
    }
    codec.read(this, layer.className(), layer.config(), layer.name());
    if (MASK_USING.contains(layer.className())) {
      JsonNode inner = layer.config().path("layer").path("config");
      masked =
          masked
              && (layer.config().path("return_sequences").asBoolean(false)
                  || inner.path("return_sequences").asBoolean(false));
    }
  }

  private static final java.util.Set<String> MASK_PASSING =
      java.util.Set.of(
          "Dropout", "SpatialDropout1D", "GaussianDropout", "GaussianNoise", "AlphaDropout");
  private static final java.util.Set<String> MASK_USING =
      java.util.Set.of("LSTM", "GRU", "SimpleRNN", "Bidirectional", "GlobalAveragePooling1D");

  /**
   * Called by an Embedding with mask_zero=True: only on the model's input (the first layer of a
   * stack), where the network can compute the mask from the token ids it is given, as DL4J masks
   * sequences: recurrent layers skip padding steps, global average pooling leaves them out.
   */
  void maskZeroInput(String name) {
    if (index != 0 || inGraph) {
      throw unsupported(
          name,
          "Embedding with mask_zero=True in a Functional graph or not first (masking is supported"
              + " in layer stacks that start with it)");
    }
    maskZero = true;
    masked = true;
  }

  /** Whether the current tensor is a sequence that carries Embedding's mask. */
  boolean masked() {
    return masked;
  }

  /**
   * A dropout applied to the next layer's input (DL4J's per-layer dropout) instead of as a layer of
   * its own: the same computation, and the mask reaches the next layer.
   */
  void inputDropoutForNextLayer(org.deeplearning4j.nn.conf.dropout.IDropout dropout, String name) {
    if (pendingDropout != null) {
      throw unsupported(name, "two dropouts in a row on a masked sequence");
    }
    pendingDropout = dropout;
    pendingDropoutName = name;
  }

  /** Marks this translator as FunctionalBuilder's: it builds no stack of its own. */
  KerasToDl4j inGraph() {
    inGraph = true;
    return this;
  }

  /** Whether the built network masks token 0 of its input. */
  boolean masksZeroInput() {
    return maskZero;
  }

  /**
   * What one Keras layer became: a DL4J layer (or null), input preprocessors for what follows, its
   * output shape.
   */
  record Translation(
      Layer layer,
      Consumer<org.deeplearning4j.nn.api.Layer> loader,
      List<InputPreProcessor> preprocessors,
      long[] outputShape) {}

  /**
   * Translates one layer of a graph on an input of {@code inputShape}; the graph builder places the
   * result.
   */
  Translation translate(FlatLayer layer, long[] inputShape) {
    shape = inputShape.clone();
    int start = index;
    add(layer);
    if (index - start > 1) {
      throw new IllegalStateException("one Keras layer became " + (index - start) + " DL4J layers");
    }
    List<InputPreProcessor> pending = preprocessors.remove(index);
    Layer dl4j = index > start ? made.get(start) : null;
    return new Translation(
        dl4j, loaders.get(start), pending == null ? List.of() : pending, shape.clone());
  }

  // --- what codecs use ---

  Path file() {
    return file;
  }

  /** The Keras shape of the current layer's input (its output, once a codec sets it). */
  long[] shape() {
    return shape.clone();
  }

  void shape(long[] outputShape) {
    shape = outputShape.clone();
  }

  /** The current layer's variables, in Keras's order and layout. */
  List<INDArray> vars() {
    return weights.vars(current);
  }

  /**
   * Adds a DL4J layer that has no parameters, or whose parameters DL4J's defaults give. A layer the
   * file marks not trainable (or inside a model marked so) is frozen as Keras would keep it: its
   * parameters stay fixed in training and, as in Keras, batch normalization runs in inference mode.
   */
  void addLayer(Layer layer) {
    if (pendingDropout != null) {
      // Bidirectional: each direction drops its own input units (Keras draws one mask for both;
      // the same at inference)
      java.util.Set<Layer> done =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (Layer target : innermost(layer)) {
        if (!done.add(target)) {
          continue; // a wrapper's copy may share its layer
        }
        if (!(target instanceof BaseLayer base) || base.getIDropout() != null) {
          throw unsupported(
              pendingDropoutName,
              "a dropout on a masked sequence before a " + layer.getClass().getSimpleName());
        }
        base.setIDropout(pendingDropout);
      }
      pendingDropout = null;
    }
    Layer placed = layer;
    if (hasParams(layer)) {
      if (current != null && !current.trainable()) {
        placed = frozen(layer);
      } else {
        trainableSoFar = true;
      }
    }
    made.add(placed);
    list.layer(index++, placed);
  }

  /** The layers a wrapper runs (LastTimeStep's, both of Bidirectional's), or the layer itself. */
  private static List<Layer> innermost(Layer layer) {
    if (layer instanceof Bidirectional b) {
      List<Layer> both = new ArrayList<>(innermost(b.getFwd()));
      both.addAll(innermost(b.getBwd()));
      return both;
    }
    if (layer instanceof BaseWrapperLayer w) {
      return innermost(w.getUnderlying());
    }
    return List.of(layer);
  }

  /** By type: DL4J sizes some layers (nIn) only when the network is built. */
  private static boolean hasParams(Layer layer) {
    return (layer instanceof BaseLayer && !(layer instanceof DropoutLayer))
        || layer instanceof Bidirectional
        || layer instanceof BaseWrapperLayer;
  }

  /**
   * Below every trainable layer (a frozen base under a new head, the usual case) no gradient needs
   * to pass: DL4J's FrozenLayer. Above one, FrozenLayerWithBackprop passes it on (for batch
   * normalization graft's FrozenBatchNormalization, as DL4J's cannot backpropagate through it).
   */
  private Layer frozen(Layer layer) {
    Layer wrapper =
        !trainableSoFar
            ? new FrozenLayer(layer)
            : layer instanceof BatchNormalization
                ? new FrozenBatchNormalization(layer)
                : new FrozenLayerWithBackprop(layer);
    // DL4J would name an unnamed wrapper "layerN" and pass that name down to the layer.
    wrapper.setLayerName(layer.getLayerName());
    return wrapper;
  }

  /** Adds a DL4J layer and what sets its parameters from the file once the network exists. */
  void addLayer(Layer layer, Consumer<org.deeplearning4j.nn.api.Layer> loader) {
    loaders.put(index, loader);
    addLayer(layer);
  }

  /** A preprocessor for the next DL4J layer (Keras layers DL4J has no layer for). */
  void preprocess(InputPreProcessor p) {
    preprocessors.computeIfAbsent(index, k -> new ArrayList<>()).add(p);
  }

  GraftException unsupported(String name, String what) {
    return GraftException.unsupported(file + ": layer '" + name + "': " + what);
  }

  GraftException badInput(String name, String what) {
    return GraftException.badInput(file + ": layer '" + name + "': " + what);
  }

  void requireRank(int rank, String name, String what) {
    if (shape.length != rank) {
      throw unsupported(
          name, what + " on an input of shape " + Arrays.toString(shape) + " is not supported");
    }
  }

  void channelsLast(JsonNode c, String name) {
    String format = c.path("data_format").asText("channels_last");
    if (!format.equals("channels_last")) {
      throw unsupported(name, "data_format " + format + " (only channels_last)");
    }
  }

  /** Checks a kernel (and bias, when not null) against the shapes the config implies. */
  void expect(List<INDArray> vars, String name, long[] kernel, long[] bias) {
    int n = bias == null ? 1 : 2;
    if (vars.size() != n) {
      throw badInput(name, "has " + vars.size() + " weight arrays, expected " + n);
    }
    checkShape(vars.get(0), kernel, name);
    if (bias != null) {
      checkShape(vars.get(1), bias, name);
    }
  }

  void checkShape(INDArray value, long[] expected, String name) {
    if (!Arrays.equals(value.shape(), expected)) {
      throw badInput(
          name,
          "weights of shape "
              + Arrays.toString(value.shape())
              + ", expected "
              + Arrays.toString(expected));
    }
  }

  /** One number, or one per channel of the last axis, from a config value. */
  float[] floats(JsonNode v, String name) {
    if (v.isNumber()) {
      return new float[] {v.floatValue()};
    }
    if (v.isArray() && v.size() == shape[shape.length - 1]) {
      float[] out = new float[v.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = v.get(i).floatValue();
      }
      return out;
    }
    throw unsupported(
        name,
        "a scale, offset, mean or variance of "
            + v
            + " (supported: one number, or one per channel of the last axis)");
  }

  static int[] pair(JsonNode node) {
    if (node.isArray() && node.size() > 0) {
      return new int[] {node.get(0).asInt(), node.get(node.size() > 1 ? 1 : 0).asInt()};
    }
    int v = node.asInt(1);
    return new int[] {v, v};
  }

  /** A convolution's or pooling's output size on one axis, with Keras's "same" or "valid". */
  static long outSize(long in, int k, int s, int d, boolean same) {
    return same ? (in + s - 1) / s : (in - ((long) (k - 1) * d + 1)) / s + 1;
  }
}
