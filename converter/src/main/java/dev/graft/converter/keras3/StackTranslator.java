package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.AffinePreProcessor;
import dev.graft.converter.Dl4jParams;
import dev.graft.converter.KerasReshapePreProcessor;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor;
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
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Translates a DL4J layer stack into the Keras 3 layers that compute the same function on
 * channels-last input. DL4J's channels-first convolutions become channels-last Conv2D layers
 * (kernels permuted), and a Dense layer after a channels-first flatten gets its kernel rows
 * reordered, so the Keras model needs no transposes.
 */
final class StackTranslator {
  static final String SUPPORTED =
      "Dense, output layers, activation layers, PReLU, BatchNormalization, dropout layers "
          + "(Dropout, AlphaDropout, GaussianDropout, GaussianNoise), Conv2D, DepthwiseConv2D, max and average pooling, "
          + "global pooling, zero padding, flatten, Rescaling/Normalization";

  private final List<KerasLayer> layers = new ArrayList<>();
  private final java.util.Set<String> names = new java.util.HashSet<>();
  private long[] shape;
  private boolean channelsFirst;

  /**
   * Set after a channels-first flatten: the [h, w, c] shape whose (c, h, w) order the next Dense's
   * rows follow.
   */
  private long[] pendingRowOrder;

  private StackTranslator() {}

  /** The Keras input shape (channels last) and layers of {@code network}. */
  record Result(long[] inputShape, List<KerasLayer> layers) {}

  static Result translate(Network network) {
    if (!(network.model() instanceof MultiLayerNetwork net)) {
      throw GraftException.unsupported(
          "graph networks cannot be written as .keras yet (layer stacks can)");
    }
    StackTranslator t = new StackTranslator();
    long[] in = network.inputShape();
    t.channelsFirst = in.length == 3 && firstFormat(net) == CNN2DFormat.NCHW;
    t.shape = t.channelsFirst ? new long[] {in[1], in[2], in[0]} : in;
    long[] inputShape = t.shape.clone();
    var conf = net.getLayerWiseConfigurations();
    for (int i = 0; i < net.getnLayers(); i++) {
      Layer layer = net.getLayer(i).conf().getLayer();
      String name = layer.getLayerName() == null ? "layer_" + i : layer.getLayerName();
      InputPreProcessor pp = conf.getInputPreProcess(i);
      if (pp != null) {
        t.preprocessor(pp, name);
      }
      t.layer(layer, net.getLayer(i).paramTable(), name);
    }
    return new Result(inputShape, t.layers);
  }

  private static CNN2DFormat firstFormat(MultiLayerNetwork net) {
    for (var l : net.getLayers()) {
      Layer c = l.conf().getLayer();
      if (c instanceof ConvolutionLayer conv) {
        return conv.getCnn2dDataFormat();
      } else if (c instanceof SubsamplingLayer s) {
        return s.getCnn2dDataFormat();
      } else if (c instanceof ZeroPaddingLayer z) {
        return z.getDataFormat();
      }
    }
    return CNN2DFormat.NCHW; // DL4J's default
  }

  private void preprocessor(InputPreProcessor pp, String layer) {
    if (pp instanceof ComposableInputPreProcessor c) {
      for (InputPreProcessor each : c.getInputPreProcessors()) {
        preprocessor(each, layer);
      }
    } else if (pp instanceof AffinePreProcessor a) {
      affine(a, layer);
    } else if (pp instanceof CnnToFeedForwardPreProcessor c) {
      flatten(layer, c.getFormat() == CNN2DFormat.NCHW);
    } else if (pp instanceof TensorFlowCnnToFeedForwardPreProcessor
        || pp instanceof KerasFlattenRnnPreprocessor) {
      flatten(layer, false); // already flattens in Keras's (row-major, channels-last) order
    } else if (pp instanceof KerasReshapePreProcessor r && !channelsFirst) {
      ObjectNode c = KerasConfigs.layerConfig(unique(layer + "_reshape"));
      var target = KerasConfigs.JSON.createArrayNode();
      for (long d : r.targetShape()) {
        target.add(d);
      }
      c.set("target_shape", target);
      add("Reshape", c, List.of());
      shape = r.targetShape();
    } else if (pp instanceof FeedForwardToCnnPreProcessor f && f.getNumChannels() == 1) {
      // A flat vector to [1, h, w]: the same values as Keras's Reshape to (h, w, 1).
      ObjectNode c = KerasConfigs.layerConfig(unique(layer + "_reshape"));
      c.set(
          "target_shape",
          KerasConfigs.JSON
              .createArrayNode()
              .add(f.getInputHeight())
              .add(f.getInputWidth())
              .add(1));
      add("Reshape", c, List.of());
      shape = new long[] {f.getInputHeight(), f.getInputWidth(), 1};
      channelsFirst = true;
    } else {
      throw GraftException.unsupported(
          "layer '"
              + layer
              + "': input preprocessor "
              + pp.getClass().getSimpleName()
              + " cannot be written as .keras (supported: flatten preprocessors, FeedForwardToCnn with one channel, Keras reshapes)");
    }
  }

  /**
   * Rescaling when one scale and offset serve every channel, else Normalization with its statistics
   * in the config.
   */
  private void affine(AffinePreProcessor a, String layer) {
    float[] scale = a.scale();
    float[] offset = a.offset();
    if (scale.length == 1 && offset.length == 1) {
      ObjectNode c = KerasConfigs.layerConfig(unique(layer + "_rescaling"));
      c.put("scale", scale[0]);
      c.put("offset", offset[0]);
      add("Rescaling", c, List.of());
      return;
    }
    int n = Math.max(scale.length, offset.length);
    var mean = KerasConfigs.JSON.createArrayNode();
    var variance = KerasConfigs.JSON.createArrayNode();
    for (int i = 0; i < n; i++) {
      double s = scale[scale.length == 1 ? 0 : i];
      if (!(s > 0)) {
        throw GraftException.unsupported(
            "layer '"
                + layer
                + "': a per-channel scale of "
                + s
                + " has no Keras Normalization form");
      }
      mean.add(-offset[offset.length == 1 ? 0 : i] / s);
      variance.add(1 / (s * s));
    }
    ObjectNode c = KerasConfigs.layerConfig(unique(layer + "_normalization"));
    c.put("axis", -1);
    c.put("invert", false);
    c.set("mean", mean);
    c.set("variance", variance);
    add("Normalization", c, List.of());
  }

  private void flatten(String layer, boolean channelsFirstOrder) {
    if (shape.length == 1) {
      return;
    }
    ObjectNode c = KerasConfigs.layerConfig(unique(layer + "_flatten"));
    c.put("data_format", "channels_last");
    add("Flatten", c, List.of());
    pendingRowOrder =
        channelsFirstOrder && shape.length == 3 && shape[2] > 1 ? shape.clone() : null;
    shape = new long[] {product(shape)};
  }

  private void layer(Layer layer, Map<String, INDArray> params, String name) {
    if (layer instanceof BaseLayer b && b.getIDropout() != null) {
      dropout(b.getIDropout(), name + "_input_dropout");
    }
    if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
      dense((BaseLayer) layer, params, name);
    } else if (layer instanceof LossLayer loss) {
      activation(loss.getActivationFn(), name);
    } else if (layer instanceof ActivationLayer a) {
      activation(a.getActivationFn(), name);
    } else if (layer instanceof DropoutLayer d) {
      dropout(d.getIDropout(), name);
    } else if (layer instanceof BatchNormalization bn) {
      batchNorm(bn, params, name);
    } else if (layer instanceof DepthwiseConvolution2D dw) {
      depthwise(dw, params, name);
    } else if (layer instanceof PReLULayer) {
      prelu(params, name);
    } else if (layer.getClass() == ConvolutionLayer.class) {
      conv((ConvolutionLayer) layer, params, name);
    } else if (layer instanceof SubsamplingLayer s && s.getClass() == SubsamplingLayer.class) {
      pool(s, name);
    } else if (layer instanceof GlobalPoolingLayer g) {
      globalPool(g, name);
    } else if (layer instanceof ZeroPaddingLayer z) {
      int[] p = z.getPadding();
      zeroPad(name, p[0], p[1], p[2], p[3]);
    } else {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "' ("
              + layer.getClass().getSimpleName()
              + ") cannot be written as .keras (supported: "
              + SUPPORTED
              + ")");
    }
  }

  private void dense(BaseLayer layer, Map<String, INDArray> params, String name) {
    requireRank(1, name, "Dense");
    INDArray w = params.get("W");
    if (pendingRowOrder != null) {
      w = channelsLastRows(w, pendingRowOrder);
      pendingRowOrder = null;
    }
    long units = w.size(1);
    boolean bias = params.containsKey("b");
    String keras = kerasActivation(layer.getActivationFn());
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.put("units", units);
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    c.set("kernel_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    for (String k :
        new String[] {
          "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"
        }) {
      c.putNull(k);
    }
    List<Object> vars = new ArrayList<>();
    vars.add(w.castTo(DataType.FLOAT).toFloatMatrix());
    if (bias) {
      vars.add(params.get("b").castTo(DataType.FLOAT).toFloatVector());
    }
    add("Dense", c, vars);
    shape = new long[] {units};
    if (keras == null) {
      activation(layer.getActivationFn(), name + "_activation");
    }
  }

  /** Kernel rows reordered from DL4J's (c, h, w) flatten order to Keras's (h, w, c). */
  private static INDArray channelsLastRows(INDArray w, long[] hwc) {
    long h = hwc[0];
    long wd = hwc[1];
    long ch = hwc[2];
    long[] rows = new long[(int) (h * wd * ch)];
    int j = 0;
    for (long y = 0; y < h; y++) {
      for (long x = 0; x < wd; x++) {
        for (long c = 0; c < ch; c++) {
          rows[j++] = c * h * wd + y * wd + x;
        }
      }
    }
    return w.getRows(java.util.Arrays.stream(rows).mapToInt(r -> (int) r).toArray());
  }

  /**
   * An activation as a layer of its own: Activation for named ones, else the layer class Keras has.
   */
  private void activation(IActivation fn, String name) {
    if (fn == null || fn instanceof ActivationIdentity) {
      return;
    }
    String keras = kerasActivation(fn);
    if (keras != null) {
      ObjectNode c = KerasConfigs.layerConfig(unique(name));
      c.put("activation", keras);
      add("Activation", c, List.of());
    } else if (fn instanceof ActivationLReLU l) {
      ObjectNode c = KerasConfigs.layerConfig(unique(name));
      c.put("negative_slope", l.getAlpha());
      add("LeakyReLU", c, List.of());
    } else if (fn instanceof ActivationELU e) {
      ObjectNode c = KerasConfigs.layerConfig(unique(name));
      c.put("alpha", e.getAlpha());
      add("ELU", c, List.of());
    } else if (fn instanceof ActivationThresholdedReLU t) {
      // Keras 3 has no ThresholdedReLU; its ReLU with a threshold and no slope is the same
      // function.
      ObjectNode c = KerasConfigs.layerConfig(unique(name));
      c.putNull("max_value");
      c.put("negative_slope", 0.0);
      c.put("threshold", t.getTheta());
      add("ReLU", c, List.of());
    } else if (fn instanceof ActivationReLU r) {
      ObjectNode c = KerasConfigs.layerConfig(unique(name));
      Double max = Dl4jParams.reluOption(r, "max");
      if (max == null) {
        c.putNull("max_value");
      } else {
        c.put("max_value", max);
      }
      c.put("negative_slope", orZero(Dl4jParams.reluOption(r, "negativeSlope")));
      c.put("threshold", orZero(Dl4jParams.reluOption(r, "threshold")));
      add("ReLU", c, List.of());
    } else {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': activation "
              + fn
              + " has no Keras 3 equivalent graft can "
              + "write (supported: linear, relu and its options, relu6, leaky relu, elu, selu, sigmoid, tanh, softmax, "
              + "softplus, softsign, swish)");
    }
  }

  /** DL4J activations without options that Keras computes identically, by Keras's name. */
  private static final Map<Class<?>, String> SAME_ACTIVATIONS =
      Map.of(
          ActivationReLU6.class,
          "relu6",
          ActivationSELU.class,
          "selu",
          ActivationSigmoid.class,
          "sigmoid",
          ActivationTanH.class,
          "tanh",
          ActivationSoftmax.class,
          "softmax",
          ActivationSoftPlus.class,
          "softplus",
          ActivationSoftSign.class,
          "softsign",
          ActivationSwish.class,
          "silu");

  /**
   * Keras's name for an activation it computes exactly as DL4J does, or null when a layer is
   * needed.
   */
  private static String kerasActivation(IActivation fn) {
    if (fn == null || fn instanceof ActivationIdentity) {
      return "linear";
    } else if (fn instanceof ActivationReLU r) {
      boolean plain =
          Dl4jParams.reluOption(r, "max") == null
              && orZero(Dl4jParams.reluOption(r, "negativeSlope")) == 0
              && orZero(Dl4jParams.reluOption(r, "threshold")) == 0;
      return plain ? "relu" : null;
    } else if (fn instanceof ActivationELU e) {
      return e.getAlpha() == 1.0 ? "elu" : null;
    }
    return SAME_ACTIVATIONS.get(fn.getClass());
  }

  private void dropout(IDropout d, String name) {
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    String cls;
    if (d instanceof Dropout p && p.getPSchedule() == null) {
      cls = "Dropout";
      c.put("rate", 1 - p.getP());
      c.putNull("noise_shape");
      c.putNull("seed");
    } else if (d instanceof AlphaDropout a) {
      cls = "AlphaDropout";
      c.put("rate", 1 - alphaRetain(a));
      c.putNull("noise_shape");
      c.putNull("seed");
    } else if (d instanceof GaussianDropout g) {
      cls = "GaussianDropout";
      c.put("rate", gaussianRate(g));
      c.putNull("seed");
    } else if (d instanceof GaussianNoise n) {
      cls = "GaussianNoise";
      c.put("stddev", gaussianRate(n));
      c.putNull("seed");
    } else {
      throw GraftException.unsupported(
          "layer '" + name + "': dropout " + d + " cannot be written as .keras");
    }
    add(cls, c, List.of());
  }

  private static double alphaRetain(AlphaDropout a) {
    return field(a, "p");
  }

  private static double gaussianRate(Object g) {
    return field(g, g instanceof GaussianNoise ? "stddev" : "rate");
  }

  private static double field(Object o, String name) {
    return ((Number) Dl4jInternals.field(o, o.getClass(), name)).doubleValue();
  }

  private void batchNorm(BatchNormalization bn, Map<String, INDArray> params, String name) {
    long channels = shape[shape.length - 1];
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.put("axis", -1);
    c.put("momentum", bn.getDecay());
    c.put("epsilon", bn.getEps());
    c.put("center", true);
    c.put("scale", true);
    c.set("beta_initializer", KerasConfigs.initializer("Zeros"));
    c.set("gamma_initializer", KerasConfigs.initializer("Ones"));
    c.set("moving_mean_initializer", KerasConfigs.initializer("Zeros"));
    c.set("moving_variance_initializer", KerasConfigs.initializer("Ones"));
    for (String k :
        new String[] {
          "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"
        }) {
      c.putNull(k);
    }
    c.put("synchronized", false);
    List<Object> vars = new ArrayList<>();
    vars.add(vector(Dl4jParams.batchNormAffine(bn, params, "gamma", channels)));
    vars.add(vector(Dl4jParams.batchNormAffine(bn, params, "beta", channels)));
    vars.add(vector(params.get("mean")));
    vars.add(vector(Dl4jParams.batchNormVariance(bn, params)));
    add("BatchNormalization", c, vars);
  }

  private void conv(ConvolutionLayer conv, Map<String, INDArray> params, String name) {
    requireRank(3, name, "Conv2D");
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] d = conv.getDilation();
    String padding = padding(conv.getConvolutionMode(), conv.getPadding(), name);
    INDArray w = params.get("W"); // [out, in, kh, kw]
    long filters = w.size(0);
    boolean bias = params.containsKey("b");
    String keras = kerasActivation(conv.getActivationFn());
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.put("filters", filters);
    c.set("kernel_size", KerasConfigs.pair(k[0], k[1]));
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.set("dilation_rate", KerasConfigs.pair(d[0], d[1]));
    c.put("groups", 1);
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    c.set("kernel_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    for (String key :
        new String[] {
          "kernel_regularizer",
          "bias_regularizer",
          "activity_regularizer",
          "kernel_constraint",
          "bias_constraint"
        }) {
      c.putNull(key);
    }
    List<Object> vars = new ArrayList<>();
    vars.add(kernel4d(w.permute(2, 3, 1, 0).dup('c')));
    if (bias) {
      vars.add(vector(params.get("b")));
    }
    add("Conv2D", c, vars);
    boolean same = padding.equals("same");
    shape =
        new long[] {
          out(shape[0], k[0], s[0], d[0], same), out(shape[1], k[1], s[1], d[1], same), filters
        };
    if (keras == null) {
      activation(conv.getActivationFn(), name + "_activation");
    }
  }

  private void depthwise(DepthwiseConvolution2D conv, Map<String, INDArray> params, String name) {
    requireRank(3, name, "DepthwiseConv2D");
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] d = conv.getDilation();
    String padding = padding(conv.getConvolutionMode(), conv.getPadding(), name);
    INDArray w = params.get("W"); // [kh, kw, in, m], as Keras keeps it
    boolean bias = params.containsKey("b");
    String keras = kerasActivation(conv.getActivationFn());
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.set("kernel_size", KerasConfigs.pair(k[0], k[1]));
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.set("dilation_rate", KerasConfigs.pair(d[0], d[1]));
    c.put("depth_multiplier", w.size(3));
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    c.set("depthwise_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    for (String key :
        new String[] {
          "depthwise_regularizer",
          "bias_regularizer",
          "activity_regularizer",
          "depthwise_constraint",
          "bias_constraint"
        }) {
      c.putNull(key);
    }
    List<Object> vars = new ArrayList<>();
    vars.add(kernel4d(w.dup('c')));
    if (bias) {
      vars.add(vector(params.get("b")));
    }
    add("DepthwiseConv2D", c, vars);
    boolean same = padding.equals("same");
    shape =
        new long[] {
          out(shape[0], k[0], s[0], d[0], same),
          out(shape[1], k[1], s[1], d[1], same),
          w.size(2) * w.size(3)
        };
    if (keras == null) {
      activation(conv.getActivationFn(), name + "_activation");
    }
  }

  /**
   * Keras's PReLU: alpha shaped like the input, 1 along shared axes (DL4J keeps the same shape).
   */
  private void prelu(Map<String, INDArray> params, String name) {
    INDArray alpha = params.get("W");
    long[] a = alpha.shape();
    if (a.length != shape.length) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': PReLU alpha of shape "
              + java.util.Arrays.toString(a)
              + " on an input of shape "
              + java.util.Arrays.toString(shape));
    }
    if (channelsFirst && shape.length == 3) {
      alpha = alpha.permute(1, 2, 0); // DL4J's [c, h, w] to Keras's [h, w, c]
      a = alpha.shape();
    }
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.set("alpha_initializer", KerasConfigs.initializer("Zeros"));
    c.putNull("alpha_regularizer");
    c.putNull("alpha_constraint");
    var shared = KerasConfigs.JSON.createArrayNode();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 1 && shape[i] != 1) {
        shared.add(i + 1);
      }
    }
    if (shared.isEmpty()) {
      c.putNull("shared_axes");
    } else {
      c.set("shared_axes", shared);
    }
    Object value = a.length == 1 ? vector(alpha) : a.length == 3 ? kernel3d(alpha) : null;
    if (value == null) {
      throw GraftException.unsupported(
          "layer '" + name + "': PReLU on a rank-" + a.length + " input");
    }
    add("PReLU", c, List.of(value));
  }

  private static float[][][] kernel3d(INDArray a) {
    long[] s = a.shape();
    float[] flat = a.castTo(DataType.FLOAT).dup('c').reshape(a.length()).toFloatVector();
    float[][][] out = new float[(int) s[0]][(int) s[1]][(int) s[2]];
    int i = 0;
    for (float[][] a1 : out) {
      for (float[] a2 : a1) {
        for (int j = 0; j < a2.length; j++) {
          a2[j] = flat[i++];
        }
      }
    }
    return out;
  }

  private void pool(SubsamplingLayer p, String name) {
    requireRank(3, name, "pooling");
    if (p.getPoolingType() != PoolingType.MAX && p.getPoolingType() != PoolingType.AVG) {
      throw GraftException.unsupported(
          "layer '" + name + "': " + p.getPoolingType() + " pooling has no Keras layer");
    }
    boolean max = p.getPoolingType() == PoolingType.MAX;
    if (p.getConvolutionMode() == ConvolutionMode.Same
        && !max
        && p.isAvgPoolIncludePadInDivisor()) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': average pooling with padding counted in the divisor "
              + "(Keras's AveragePooling2D leaves the padding out)");
    }
    int[] pad = p.getPadding();
    if (!max
        && !p.isAvgPoolIncludePadInDivisor()
        && p.getConvolutionMode() != ConvolutionMode.Same
        && (pad[0] != 0 || pad[1] != 0)) {
      throw GraftException.unsupported(
          "layer '" + name + "': average pooling over explicit padding left out of the divisor");
    }
    String padding = padding(p.getConvolutionMode(), pad, name);
    int[] k = p.getKernelSize();
    int[] s = p.getStride();
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.set("pool_size", KerasConfigs.pair(k[0], k[1]));
    c.put("padding", padding);
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("data_format", "channels_last");
    add(max ? "MaxPooling2D" : "AveragePooling2D", c, List.of());
    boolean same = padding.equals("same");
    shape =
        new long[] {
          out(shape[0], k[0], s[0], 1, same), out(shape[1], k[1], s[1], 1, same), shape[2]
        };
  }

  /** Keras's padding mode; explicit DL4J padding becomes a ZeroPadding2D layer before the layer. */
  private String padding(ConvolutionMode mode, int[] pad, String name) {
    if (mode == ConvolutionMode.Same) {
      return "same";
    }
    if (mode == ConvolutionMode.Causal) {
      throw GraftException.unsupported(
          "layer '" + name + "': causal convolution has no Keras Conv2D equivalent");
    }
    if (pad[0] != 0 || pad[1] != 0) {
      zeroPad(name + "_padding", pad[0], pad[0], pad[1], pad[1]);
    }
    return "valid";
  }

  private void zeroPad(String name, int top, int bottom, int left, int right) {
    requireRank(3, name, "ZeroPadding2D");
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.set(
        "padding",
        KerasConfigs.JSON
            .createArrayNode()
            .add(KerasConfigs.pair(top, bottom))
            .add(KerasConfigs.pair(left, right)));
    c.put("data_format", "channels_last");
    add("ZeroPadding2D", c, List.of());
    shape = new long[] {shape[0] + top + bottom, shape[1] + left + right, shape[2]};
  }

  private void globalPool(GlobalPoolingLayer g, String name) {
    requireRank(3, name, "global pooling");
    boolean max = g.getPoolingType() == PoolingType.MAX;
    if (!max && g.getPoolingType() != PoolingType.AVG) {
      throw GraftException.unsupported(
          "layer '" + name + "': global " + g.getPoolingType() + " pooling has no Keras layer");
    }
    ObjectNode c = KerasConfigs.layerConfig(unique(name));
    c.put("data_format", "channels_last");
    c.put("keepdims", false);
    add(max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D", c, List.of());
    shape = new long[] {shape[2]};
  }

  private void add(String className, ObjectNode config, List<Object> vars) {
    layers.add(new KerasLayer(className, config, shape.clone(), vars));
  }

  /** Keras layer names are unique within a model. */
  private String unique(String name) {
    String n = name;
    for (int i = 1; !names.add(n); i++) {
      n = name + "_" + i;
    }
    return n;
  }

  private void requireRank(int rank, String name, String what) {
    if (shape.length != rank) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': "
              + what
              + " on an input of shape "
              + java.util.Arrays.toString(shape)
              + " cannot be written as .keras");
    }
  }

  private static float[] vector(INDArray a) {
    return a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector();
  }

  private static float[][][][] kernel4d(INDArray a) {
    long[] s = a.shape();
    float[] flat = a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector();
    float[][][][] out = new float[(int) s[0]][(int) s[1]][(int) s[2]][(int) s[3]];
    int i = 0;
    for (float[][][] a1 : out) {
      for (float[][] a2 : a1) {
        for (float[] a3 : a2) {
          for (int j = 0; j < a3.length; j++) {
            a3[j] = flat[i++];
          }
        }
      }
    }
    return out;
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  private static long out(long in, int k, int s, int d, boolean same) {
    return same ? (in + s - 1) / s : (in - ((long) (k - 1) * d + 1)) / s + 1;
  }
}
