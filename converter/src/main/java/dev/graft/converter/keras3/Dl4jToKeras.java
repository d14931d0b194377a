package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J-to-Keras direction: translates a DL4J layer stack into the Keras 3 layers that compute
 * the same function on channels-last input, each DL4J layer or preprocessor by its {@link
 * LayerCodec}. DL4J's channels-first convolutions become channels-last Conv2D layers (kernels
 * permuted), and a Dense layer after a channels-first flatten gets its kernel rows reordered, so
 * the Keras model needs no transposes.
 */
final class Dl4jToKeras {
  private final List<KerasLayer> layers = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private long[] shape;
  private boolean channelsFirst;

  /**
   * Set after a channels-first flatten: the [h, w, c] shape whose (c, h, w) order the next Dense's
   * rows follow.
   */
  private long[] pendingRowOrder;

  private Dl4jToKeras() {}

  /** The Keras input shape (channels last) and layers of {@code network}. */
  record Result(long[] inputShape, List<KerasLayer> layers) {}

  static Result translate(Network network) {
    if (!(network.model() instanceof MultiLayerNetwork net)) {
      throw GraftException.unsupported(
          "graph networks cannot be written as .keras yet (layer stacks can)");
    }
    Dl4jToKeras t = new Dl4jToKeras();
    long[] in = network.inputShape();
    t.channelsFirst = in.length == 3 && firstFormat(net) == CNN2DFormat.NCHW;
    t.shape = t.channelsFirst ? new long[] {in[1], in[2], in[0]} : in;
    long[] inputShape = t.shape.clone();
    var conf = net.getLayerWiseConfigurations();
    for (int i = 0; i < net.getnLayers(); i++) {
      // the configuration's layer: a wrapper's instance (LastTimeStep) reports its inner layer's
      Layer layer = conf.getConf(i).getLayer();
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
      return;
    }
    LayerCodec codec = LayerCodecs.forPreprocessor(pp);
    if (codec == null) {
      throw GraftException.unsupported(
          "layer '"
              + layer
              + "': input preprocessor "
              + pp.getClass().getSimpleName()
              + " cannot be written as .keras (supported: flatten preprocessors, FeedForwardToCnn with one channel, Keras reshapes, affine rescaling)");
    }
    codec.writePreprocessor(this, pp, layer);
  }

  private void layer(Layer layer, Map<String, INDArray> params, String name) {
    if (layer instanceof FrozenLayerWithBackprop f) {
      // Keras 3's config has a trainable flag per layer; the archive graft writes keeps it true.
      layer = f.getUnderlying();
    } else if (layer instanceof FrozenLayer f) {
      layer = f.getLayer();
    }
    if (layer instanceof BaseLayer b && b.getIDropout() != null) {
      DropoutCodec.write(this, b.getIDropout(), name + "_input_dropout");
    }
    LayerCodec codec = LayerCodecs.forDl4j(layer);
    if (codec == null) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "' ("
              + layer.getClass().getSimpleName()
              + ") cannot be written as .keras (supported: "
              + LayerCodecs.dl4jLayers()
              + ")");
    }
    codec.write(this, layer, params, name);
  }

  // --- what codecs use ---

  /** The Keras shape of the next layer's input. */
  long[] shape() {
    return shape.clone();
  }

  void shape(long[] outputShape) {
    shape = outputShape.clone();
  }

  /** Whether DL4J's tensors are channels first here (Keras's are always channels last). */
  boolean channelsFirst() {
    return channelsFirst;
  }

  void channelsFirst(boolean value) {
    channelsFirst = value;
  }

  /** The pending (c, h, w) row order of a channels-first flatten, cleared by reading it. */
  long[] takeRowOrder() {
    long[] order = pendingRowOrder;
    pendingRowOrder = null;
    return order;
  }

  void rowOrder(long[] hwc) {
    pendingRowOrder = hwc;
  }

  /** Appends a Keras layer on the current shape (which the caller then updates). */
  void add(String className, ObjectNode config, List<Object> vars) {
    layers.add(new KerasLayer(className, config, shape.clone(), vars));
  }

  /** Appends a Keras layer whose variables live in the layers it holds ({@link KerasLayer}). */
  void addNested(String className, ObjectNode config, Map<String, List<Object>> nestedVars) {
    layers.add(new KerasLayer(className, config, shape.clone(), List.of(), nestedVars));
  }

  /** A fresh layer config under a name unique in the model (Keras requires that). */
  ObjectNode config(String name) {
    String n = name;
    for (int i = 1; !names.add(n); i++) {
      n = name + "_" + i;
    }
    return KerasConfigs.layerConfig(n);
  }

  /** An activation as a layer of its own, where a layer's activation has no Keras name. */
  void activation(IActivation fn, String name) {
    ActivationCodec.write(this, fn, name);
  }

  void requireRank(int rank, String name, String what) {
    if (shape.length != rank) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': "
              + what
              + " on an input of shape "
              + Arrays.toString(shape)
              + " cannot be written as .keras");
    }
  }

  static float[] vector(INDArray a) {
    return a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector();
  }

  static float[][][] kernel3d(INDArray a) {
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

  static float[][][][] kernel4d(INDArray a) {
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

  static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
