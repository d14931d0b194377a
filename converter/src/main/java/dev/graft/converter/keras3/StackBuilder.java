package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.converter.AffinePreProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.preprocessors.KerasFlattenRnnPreprocessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds a DL4J layer stack from a Keras 3 layer list (or, for {@link FunctionalBuilder},
 * translates one layer at a time) (channels-last, as Keras keeps it), tracking the Keras shape of
 * the tensor between layers, then loads each layer's weights from its group in model.weights.h5,
 * checking every shape.
 */
final class StackBuilder {
  static final String SUPPORTED =
      "InputLayer, Dense, Flatten, Reshape, Activation, ReLU, LeakyReLU, ELU, Softmax, "
          + "BatchNormalization, Dropout, AlphaDropout, GaussianNoise, GaussianDropout, SpatialDropout2D, Conv2D, "
          + "DepthwiseConv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, "
          + "Rescaling, Normalization, PReLU";

  private final Path file;
  private final LayerWeights weights;

  /** The layer being translated. */
  private FlatLayer current;

  private final NeuralNetConfiguration.ListBuilder list =
      new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list();

  /** Per DL4J layer index: sets the layer's parameters from the archive once the network exists. */
  private final Map<Integer, Consumer<org.deeplearning4j.nn.api.Layer>> loaders = new HashMap<>();

  /** The DL4J layers made so far, by index (the graph builder assembles them itself). */
  private final List<Layer> made = new ArrayList<>();

  private long[] shape;
  private int index;

  /** Preprocessors waiting for the next layer, applied in order (Rescaling, then Flatten, say). */
  private final Map<Integer, List<InputPreProcessor>> preprocessors = new HashMap<>();

  StackBuilder(Path file, LayerWeights weights, long[] inputShape) {
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
    preprocessors.forEach(
        (at, pps) -> list.inputPreProcessor(at, dev.graft.converter.Preprocessors.combine(pps)));
    var conf = list.build();
    long params = 0;
    for (var c : conf.getConfs()) {
      params += c.getLayer().initializer().numParams(c);
    }
    dev.graft.converter.DeclaredSizes.checkParams(file, params);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    loaders.forEach((at, load) -> load.accept(net.getLayer(at)));
    return net;
  }

  void add(FlatLayer layer) {
    String cls = layer.className();
    JsonNode c = layer.config();
    String name = layer.name();
    current = layer;
    switch (cls) {
      case "InputLayer" -> {}
      case "Dense" -> dense(c, name);
      case "Flatten" -> flatten();
      case "Reshape" -> reshape(c, name);
      case "Activation" ->
          addLayer(
              new ActivationLayer.Builder()
                  .activation(activation(c.path("activation"), name))
                  .name(name)
                  .build());
      case "ReLU" -> addLayer(new ActivationLayer.Builder().name(name).activation(relu(c)).build());
      case "LeakyReLU" ->
          addLayer(
              new ActivationLayer.Builder()
                  .name(name)
                  .activation(new ActivationLReLU(c.path("negative_slope").asDouble(0.3)))
                  .build());
      case "ELU" ->
          addLayer(
              new ActivationLayer.Builder()
                  .name(name)
                  .activation(new ActivationELU(c.path("alpha").asDouble(1.0)))
                  .build());
      case "Softmax" -> {
        requireRank(1, name, cls);
        addLayer(
            new ActivationLayer.Builder().name(name).activation(new ActivationSoftmax()).build());
      }
      case "Dropout" -> dropout(name, new Dropout(1 - c.path("rate").asDouble()));
      case "SpatialDropout2D" -> dropout(name, new Dropout(1 - c.path("rate").asDouble()));
      case "AlphaDropout" -> dropout(name, new AlphaDropout(1 - c.path("rate").asDouble()));
      case "GaussianDropout" -> dropout(name, new GaussianDropout(c.path("rate").asDouble()));
      case "GaussianNoise" -> dropout(name, new GaussianNoise(c.path("stddev").asDouble()));
      case "BatchNormalization" -> batchNorm(c, name);
      case "Conv2D" -> conv(c, name);
      case "MaxPooling2D", "AveragePooling2D" ->
          pool(c, name, cls.startsWith("Max") ? PoolingType.MAX : PoolingType.AVG);
      case "GlobalAveragePooling2D", "GlobalMaxPooling2D" ->
          globalPool(c, name, cls.contains("Max") ? PoolingType.MAX : PoolingType.AVG);
      case "ZeroPadding2D" -> zeroPad(c, name);
      case "DepthwiseConv2D" -> depthwise(c, name);
      case "Rescaling" ->
          preprocess(
              new AffinePreProcessor(
                  floats(c.path("scale"), name), floats(c.path("offset"), name)));
      case "Normalization" -> normalization(c, name);
      case "PReLU" -> prelu(c, name);
      default ->
          throw GraftException.unsupported(
              file
                  + ": layer '"
                  + name
                  + "' of type "
                  + cls
                  + " is not supported (supported: "
                  + SUPPORTED
                  + ")");
    }
  }

  /** Keras's to_snake_case, which names weight groups after the layer's class. */
  static String snakeCase(String cls) {
    return cls.replaceAll("\\W+", "")
        .replaceAll("(.)([A-Z][a-z]+)", "$1_$2")
        .replaceAll("([a-z])([A-Z])", "$1_$2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private void preprocess(InputPreProcessor p) {
    preprocessors.computeIfAbsent(index, k -> new ArrayList<>()).add(p);
  }

  private float[] floats(JsonNode v, String name) {
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
    throw GraftException.unsupported(
        file
            + ": layer '"
            + name
            + "': a scale, offset, mean or variance of "
            + v
            + " (supported: one number, or one per channel of the last axis)");
  }

  /**
   * Keras's Normalization: (x - mean) / max(sqrt(variance), 1e-7), per channel of the last axis.
   */
  private void normalization(JsonNode c, String name) {
    JsonNode axis = c.path("axis");
    int ax = axis.isArray() && axis.size() == 1 ? axis.get(0).asInt() : axis.asInt(-1);
    if ((ax != -1 && ax != shape.length) || c.path("invert").asBoolean(false)) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + name
              + "': Normalization over axis "
              + axis
              + (c.path("invert").asBoolean(false) ? " with invert=True" : "")
              + " (only the last axis, not inverted)");
    }
    float[] mean;
    float[] variance;
    if (c.hasNonNull("mean")) {
      mean = floats(c.path("mean"), name);
      variance = floats(c.path("variance"), name);
    } else {
      List<INDArray> vars = weights.vars(current);
      if (vars.size() < 2) {
        throw GraftException.badInput(
            file
                + ": layer '"
                + name
                + "' has "
                + vars.size()
                + " weight arrays, expected mean, variance and count");
      }
      long channels = shape[shape.length - 1];
      checkShape(vars.get(0).reshape(vars.get(0).length()), new long[] {channels}, name);
      checkShape(vars.get(1).reshape(vars.get(1).length()), new long[] {channels}, name);
      mean = vars.get(0).toFloatVector();
      variance = vars.get(1).toFloatVector();
    }
    int n = Math.max(mean.length, variance.length);
    float[] scale = new float[n];
    float[] offset = new float[n];
    for (int i = 0; i < n; i++) {
      double sd = Math.max(Math.sqrt(variance[variance.length == 1 ? 0 : i]), 1e-7);
      scale[i] = (float) (1 / sd);
      offset[i] = (float) (-mean[mean.length == 1 ? 0 : i] / sd);
    }
    preprocess(new AffinePreProcessor(scale, offset));
  }

  private void depthwise(JsonNode c, String name) {
    requireRank(3, name, "DepthwiseConv2D");
    channelsLast(c, name);
    int[] k = pair(c.path("kernel_size"));
    int[] s = pair(c.path("strides"));
    int[] d = pair(c.path("dilation_rate"));
    boolean same = c.path("padding").asText("valid").equals("same");
    long in = shape[2];
    int m = c.path("depth_multiplier").asInt(1);
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = weights.vars(current);
    expect(vars, name, new long[] {k[0], k[1], in, m}, bias ? new long[] {in * m} : null);
    int at = index;
    addLayer(
        new DepthwiseConvolution2D.Builder(k[0], k[1])
            .name(name)
            .stride(s)
            .dilation(d)
            .nIn(in)
            .nOut(in * m)
            .depthMultiplier(m)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .hasBias(bias)
            .activation(activation(c.path("activation"), name))
            .build());
    loaders.put(
        at,
        l -> {
          // Keras's depthwise kernel is [kh, kw, in, multiplier], as DL4J keeps it.
          INDArray w = l.getParam("W");
          l.setParam("W", vars.get(0).reshape(w.shape()));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, in * m));
          }
        });
    shape =
        new long[] {
          outSize(shape[0], k[0], s[0], d[0], same),
          outSize(shape[1], k[1], s[1], d[1], same),
          in * m
        };
  }

  private void prelu(JsonNode c, String name) {
    JsonNode shared = c.path("shared_axes");
    long[] alphaShape = shape.clone();
    List<Long> sharedAxes = new ArrayList<>();
    if (shared.isArray() || shared.isInt()) {
      for (JsonNode a : shared.isArray() ? shared : List.of(shared)) {
        int axis = a.asInt();
        if (axis < 1 || axis > shape.length) {
          throw GraftException.badInput(
              file + ": layer '" + name + "': shared axis " + axis + " out of range");
        }
        alphaShape[axis - 1] = 1;
        sharedAxes.add((long) axis);
      }
    }
    List<INDArray> vars = weights.vars(current);
    if (vars.size() != 1) {
      throw GraftException.badInput(
          file
              + ": layer '"
              + name
              + "' has "
              + vars.size()
              + " weight arrays, expected 1 (alpha)");
    }
    checkShape(vars.get(0), alphaShape, name);
    int at = index;
    PReLULayer.Builder b = new PReLULayer.Builder().name(name).inputShape(shape.clone());
    if (!sharedAxes.isEmpty()) {
      b.sharedAxes(sharedAxes.stream().mapToLong(Long::longValue).toArray());
    }
    addLayer(b.build());
    loaders.put(at, l -> l.setParam("W", vars.get(0).reshape(l.getParam("W").shape())));
  }

  private void addLayer(Layer layer) {
    made.add(layer);
    list.layer(index++, layer);
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

  private void dense(JsonNode c, String name) {
    requireRank(1, name, "Dense");
    long in = shape[0];
    long units = c.path("units").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = weights.vars(current);
    expect(vars, name, new long[] {in, units}, bias ? new long[] {units} : null);
    int at = index;
    addLayer(
        new DenseLayer.Builder()
            .name(name)
            .nIn(in)
            .nOut(units)
            .hasBias(bias)
            .activation(activation(c.path("activation"), name))
            .build());
    loaders.put(
        at,
        l -> {
          l.setParam("W", vars.get(0));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, units));
          }
        });
    shape = new long[] {units};
  }

  private void flatten() {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    if (shape.length == 2) {
      preprocess(new KerasFlattenRnnPreprocessor(shape[1], shape[0]));
    } else if (shape.length == 3) {
      preprocess(new CnnToFeedForwardPreProcessor(shape[0], shape[1], shape[2], CNN2DFormat.NHWC));
    }
    shape = new long[] {size};
  }

  /**
   * Keras's Reshape, with at most one -1 in the target inferred; to rank 1 or 3 (channels last).
   */
  private void reshape(JsonNode c, String name) {
    JsonNode t = c.path("target_shape");
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    long[] target = new long[t.size()];
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      target[i] = t.get(i).asLong(0);
      if (target[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (target[i] < 1) {
        throw GraftException.badInput(file + ": layer '" + name + "': target shape " + t);
      } else {
        known *= target[i];
      }
    }
    if (unknown >= 0 && known > 0 && size % known == 0) {
      target[unknown] = size / known;
      known = size;
    }
    if (!t.isArray() || known != size) {
      throw GraftException.badInput(
          file
              + ": layer '"
              + name
              + "': cannot reshape "
              + java.util.Arrays.toString(shape)
              + " to "
              + t);
    }
    if (target.length != 1 && target.length != 3) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + name
              + "': Reshape to "
              + t
              + " (only to a vector or to height, width, channels)");
    }
    if (!java.util.Arrays.equals(target, shape)) {
      preprocess(new dev.graft.converter.KerasReshapePreProcessor(shape, target));
    }
    shape = target;
  }

  private void dropout(String name, IDropout dropout) {
    addLayer(new DropoutLayer.Builder().name(name).dropOut(dropout).build());
  }

  private void batchNorm(JsonNode c, String name) {
    JsonNode axis = c.path("axis");
    int ax = axis.isArray() ? axis.get(0).asInt() : axis.asInt(-1);
    if (ax != -1 && ax != shape.length) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + name
              + "': batch normalization over axis "
              + ax
              + " is not supported (only the last, channels axis)");
    }
    long channels = shape[shape.length - 1];
    boolean scale = c.path("scale").asBoolean(true);
    boolean center = c.path("center").asBoolean(true);
    if (scale != center) {
      throw GraftException.unsupported(
          file + ": layer '" + name + "': batch normalization with only one of center/scale");
    }
    List<INDArray> vars = weights.vars(current);
    int expected = scale ? 4 : 2;
    if (vars.size() != expected) {
      throw GraftException.badInput(
          file
              + ": layer '"
              + name
              + "' has "
              + vars.size()
              + " weight arrays, expected "
              + expected);
    }
    for (INDArray v : vars) {
      checkShape(v, new long[] {channels}, name);
    }
    BatchNormalization.Builder b =
        new BatchNormalization.Builder()
            .name(name)
            .nIn(channels)
            .nOut(channels)
            .eps(c.path("epsilon").asDouble(1e-3))
            .decay(c.path("momentum").asDouble(0.99))
            .useLogStd(false);
    if (shape.length == 3) {
      b.dataFormat(CNN2DFormat.NHWC);
    }
    if (!scale) {
      b.lockGammaBeta(true).gamma(1).beta(0);
    }
    int at = index;
    addLayer(b.build());
    loaders.put(
        at,
        l -> {
          int k = 0;
          if (scale) {
            l.setParam("gamma", vars.get(k++).reshape(1, channels));
            l.setParam("beta", vars.get(k++).reshape(1, channels));
          }
          l.setParam("mean", vars.get(k++).reshape(1, channels));
          l.setParam("var", vars.get(k).reshape(1, channels));
        });
  }

  private void conv(JsonNode c, String name) {
    requireRank(3, name, "Conv2D");
    channelsLast(c, name);
    if (c.path("groups").asInt(1) != 1) {
      throw GraftException.unsupported(
          file + ": layer '" + name + "': grouped convolution is not supported");
    }
    int[] k = pair(c.path("kernel_size"));
    int[] s = pair(c.path("strides"));
    int[] d = pair(c.path("dilation_rate"));
    boolean same = c.path("padding").asText("valid").equals("same");
    long in = shape[2];
    long filters = c.path("filters").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = weights.vars(current);
    expect(vars, name, new long[] {k[0], k[1], in, filters}, bias ? new long[] {filters} : null);
    int at = index;
    addLayer(
        new ConvolutionLayer.Builder(k[0], k[1])
            .name(name)
            .stride(s)
            .dilation(d)
            .nIn(in)
            .nOut(filters)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .hasBias(bias)
            .activation(activation(c.path("activation"), name))
            .build());
    loaders.put(
        at,
        l -> {
          // Keras kernels are [kh, kw, in, out]; DL4J's are [out, in, kh, kw].
          l.setParam("W", vars.get(0).permute(3, 2, 0, 1).dup('c'));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, filters));
          }
        });
    shape =
        new long[] {
          outSize(shape[0], k[0], s[0], d[0], same),
          outSize(shape[1], k[1], s[1], d[1], same),
          filters
        };
  }

  private void pool(JsonNode c, String name, PoolingType type) {
    requireRank(3, name, "pooling");
    channelsLast(c, name);
    int[] k = pair(c.path("pool_size"));
    int[] s =
        c.path("strides").isNull() || c.path("strides").isMissingNode()
            ? k
            : pair(c.path("strides"));
    boolean same = c.path("padding").asText("valid").equals("same");
    addLayer(
        new SubsamplingLayer.Builder(type)
            .name(name)
            .kernelSize(k)
            .stride(s)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .avgPoolIncludePadInDivisor(false)
            .build());
    shape =
        new long[] {
          outSize(shape[0], k[0], s[0], 1, same), outSize(shape[1], k[1], s[1], 1, same), shape[2]
        };
  }

  private void globalPool(JsonNode c, String name, PoolingType type) {
    requireRank(3, name, "global pooling");
    channelsLast(c, name);
    if (c.path("keepdims").asBoolean(false)) {
      throw GraftException.unsupported(
          file + ": layer '" + name + "': global pooling with keepdims=True");
    }
    addLayer(
        new GlobalPoolingLayer.Builder(type)
            .name(name)
            .poolingDimensions(1, 2)
            .collapseDimensions(true)
            .build());
    shape = new long[] {shape[2]};
  }

  private void zeroPad(JsonNode c, String name) {
    requireRank(3, name, "ZeroPadding2D");
    channelsLast(c, name);
    JsonNode p = c.path("padding");
    int t;
    int b;
    int l;
    int r;
    if (p.isInt()) {
      t = b = l = r = p.asInt();
    } else if (p.get(0).isInt()) {
      t = b = p.get(0).asInt();
      l = r = p.get(1).asInt();
    } else {
      t = p.get(0).get(0).asInt();
      b = p.get(0).get(1).asInt();
      l = p.get(1).get(0).asInt();
      r = p.get(1).get(1).asInt();
    }
    addLayer(
        new ZeroPaddingLayer.Builder(t, b, l, r).name(name).dataFormat(CNN2DFormat.NHWC).build());
    shape = new long[] {shape[0] + t + b, shape[1] + l + r, shape[2]};
  }

  private IActivation relu(JsonNode c) {
    JsonNode max = c.path("max_value");
    double slope = c.path("negative_slope").asDouble(0);
    double threshold = c.path("threshold").asDouble(0);
    if ((max.isNull() || max.isMissingNode()) && slope == 0 && threshold == 0) {
      return new ActivationReLU();
    }
    return new ActivationReLU(max.isNumber() ? max.asDouble() : null, threshold, slope);
  }

  private IActivation activation(JsonNode node, String layer) {
    String name = node.isTextual() ? node.asText() : node.path("config").asText(node.toString());
    return switch (name) {
      case "linear" -> new ActivationIdentity();
      case "relu" -> new ActivationReLU();
      case "relu6" -> new ActivationReLU6();
      case "leaky_relu" -> new ActivationLReLU(0.2);
      case "elu" -> new ActivationELU(1.0);
      case "selu" -> new ActivationSELU();
      case "sigmoid" -> new ActivationSigmoid();
      case "tanh" -> new ActivationTanH();
      case "softmax" -> new ActivationSoftmax();
      case "softplus" -> new ActivationSoftPlus();
      case "softsign" -> new ActivationSoftSign();
      case "swish", "silu" -> new ActivationSwish();
      default ->
          throw GraftException.unsupported(
              file
                  + ": layer '"
                  + layer
                  + "': activation '"
                  + name
                  + "' is not supported "
                  + "(supported: linear, relu, relu6, leaky_relu, elu, selu, sigmoid, tanh, softmax, softplus, softsign, swish)");
    };
  }

  private void channelsLast(JsonNode c, String name) {
    String format = c.path("data_format").asText("channels_last");
    if (!format.equals("channels_last")) {
      throw GraftException.unsupported(
          file + ": layer '" + name + "': data_format " + format + " (only channels_last)");
    }
  }

  private void requireRank(int rank, String name, String what) {
    if (shape.length != rank) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + name
              + "': "
              + what
              + " on an input of shape "
              + java.util.Arrays.toString(shape)
              + " is not supported");
    }
  }

  private void expect(List<INDArray> vars, String name, long[] kernel, long[] bias) {
    int n = bias == null ? 1 : 2;
    if (vars.size() != n) {
      throw GraftException.badInput(
          file + ": layer '" + name + "' has " + vars.size() + " weight arrays, expected " + n);
    }
    checkShape(vars.get(0), kernel, name);
    if (bias != null) {
      checkShape(vars.get(1), bias, name);
    }
  }

  private void checkShape(INDArray value, long[] expected, String name) {
    if (!java.util.Arrays.equals(value.shape(), expected)) {
      throw GraftException.badInput(
          file
              + ": layer '"
              + name
              + "': weights of shape "
              + java.util.Arrays.toString(value.shape())
              + ", expected "
              + java.util.Arrays.toString(expected));
    }
  }

  private static int[] pair(JsonNode node) {
    if (node.isArray()) {
      return new int[] {node.get(0).asInt(), node.get(1).asInt()};
    }
    int v = node.asInt(1);
    return new int[] {v, v};
  }

  private static long outSize(long in, int k, int s, int d, boolean same) {
    return same ? (in + s - 1) / s : (in - ((long) (k - 1) * d + 1)) / s + 1;
  }
}
