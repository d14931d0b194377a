package dev.graft.converter.onnx;

import static dev.graft.converter.onnx.GraphBuilder.attr;
import static dev.graft.converter.onnx.GraphBuilder.ints;

import dev.graft.GraftException;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
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
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One DL4J layer (inference form) as ONNX operators. */
final class LayerOps {
  static final String SUPPORTED =
      "DenseLayer, OutputLayer, LossLayer, ActivationLayer, DropoutLayer, Deconvolution2D, "
          + "BatchNormalization, ConvolutionLayer (2D), DepthwiseConvolution2D, SubsamplingLayer (max/avg), GlobalPoolingLayer (max/avg), "
          + "ZeroPaddingLayer, PReLULayer, LSTM, GRU, SimpleRnn, Bidirectional, LastTimeStep, "
          + "EmbeddingSequenceLayer, Convolution1DLayer, GlobalPoolingLayer over time";

  private LayerOps() {}

  static Layer unwrap(Layer layer) {
    if (layer instanceof FrozenLayer f) {
      return unwrap(f.getLayer());
    }
    if (layer instanceof FrozenLayerWithBackprop f) {
      return unwrap(f.getUnderlying());
    }
    return layer;
  }

  /**
   * @param inShape the layer's input shape for a sample batch (dimension 0 is the batch)
   * @param outShape the layer's output shape for the same batch
   */
  static String apply(
      GraphBuilder g,
      Layer conf,
      Map<String, INDArray> params,
      String x,
      long[] inShape,
      long[] outShape,
      String name) {
    Layer layer = unwrap(conf);
    // Exact classes: subclasses (Deconvolution2D, DepthwiseConvolution2D, ...) have other
    // semantics.
    if (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class) {
      if (layer instanceof DenseLayer d && d.hasLayerNorm()) {
        throw GraftException.unsupported(
            "layer '" + name + "': dense layers with layer normalization cannot be exported");
      }
      return activation(g, layer, dense(g, params, x, name), outShape.length, name);
    }
    if (layer.getClass() == LossLayer.class || layer.getClass() == ActivationLayer.class) {
      return activation(g, layer, x, outShape.length, name);
    }
    if (layer instanceof DropoutLayer) {
      return g.node("Identity", name, x);
    }
    if (layer instanceof BatchNormalization bn) {
      return batchNorm(g, bn, params, x, inShape, name);
    }
    if (layer.getClass() == ConvolutionLayer.class) {
      ConvolutionLayer c = (ConvolutionLayer) layer;
      String y =
          channelsFirst(g, c.getCnn2dDataFormat(), x, name, in -> conv(g, c, params, in, name));
      return activation(g, layer, y, outShape.length, name);
    }
    if (layer.getClass() == org.deeplearning4j.nn.conf.layers.Deconvolution2D.class) {
      var c = (org.deeplearning4j.nn.conf.layers.Deconvolution2D) layer;
      String y =
          channelsFirst(
              g, c.getCnn2dDataFormat(), x, name, in -> convTranspose(g, c, params, in, name));
      return activation(g, layer, y, outShape.length, name);
    }
    if (layer instanceof DepthwiseConvolution2D c) {
      String y =
          channelsFirst(
              g, c.getCnn2dDataFormat(), x, name, in -> depthwise(g, c, params, in, name));
      return activation(g, layer, y, outShape.length, name);
    }
    if (layer.getClass() == SubsamplingLayer.class) {
      SubsamplingLayer s = (SubsamplingLayer) layer;
      return channelsFirst(g, s.getCnn2dDataFormat(), x, name, in -> pool(g, s, in, name));
    }
    if (RecurrentOps.handles(layer)) {
      return RecurrentOps.apply(g, layer, params, x, name);
    }
    if (SequenceOps.handles(layer, inShape)) {
      String y = SequenceOps.apply(g, layer, params, x, inShape, outShape, name);
      return layer instanceof org.deeplearning4j.nn.conf.layers.Convolution1DLayer
          ? activation(g, layer, y, outShape.length, name)
          : y;
    }
    if (layer instanceof GlobalPoolingLayer gp) {
      return globalPool(g, gp, x, inShape, outShape, name);
    }
    if (layer instanceof ZeroPaddingLayer z) {
      return pad(g, z, x, name);
    }
    if (layer instanceof PReLULayer) {
      long[] alphaShape = params.get("W").shape();
      return g.node(
          "PRelu", name, new String[] {x, g.floats(name + "/alpha", params.get("W"), alphaShape)});
    }
    throw GraftException.unsupported(
        "layer '"
            + name
            + "' of type "
            + layer.getClass().getSimpleName()
            + " cannot be exported to ONNX (supported: "
            + SUPPORTED
            + ")");
  }

  private static String activation(GraphBuilder g, Layer layer, String x, int rank, String name) {
    var fn =
        layer instanceof ActivationLayer a
            ? a.getActivationFn()
            : ((BaseLayer) layer).getActivationFn();
    return ActivationOps.apply(g, fn, x, rank, name);
  }

  private static String dense(GraphBuilder g, Map<String, INDArray> params, String x, String name) {
    INDArray w = params.get("W");
    String wName = g.floats(name + "/kernel", w, w.size(0), w.size(1));
    INDArray b = params.get("b");
    if (b == null) {
      return g.node("Gemm", name, new String[] {x, wName});
    }
    return g.node("Gemm", name, new String[] {x, wName, g.floats(name + "/bias", b, b.length())});
  }

  /** Runs {@code op} on NCHW data, transposing in and out when DL4J holds the tensor as NHWC. */
  private static String channelsFirst(
      GraphBuilder g,
      CNN2DFormat format,
      String x,
      String name,
      java.util.function.UnaryOperator<String> op) {
    if (format != CNN2DFormat.NHWC) {
      return op.apply(x);
    }
    String nchw = g.node("Transpose", name + "/ToNCHW", x, ints("perm", 0, 3, 1, 2));
    return g.node("Transpose", name + "/ToNHWC", op.apply(nchw), ints("perm", 0, 2, 3, 1));
  }

  /**
   * DL4J's Deconvolution2D (Truncate mode, no dilation) is ONNX's ConvTranspose; both keep W as
   * [in, out, kh, kw].
   */
  private static String convTranspose(
      GraphBuilder g,
      org.deeplearning4j.nn.conf.layers.Deconvolution2D c,
      Map<String, INDArray> params,
      String x,
      String name) {
    if (c.getConvolutionMode() != ConvolutionMode.Truncate
        || c.getDilation()[0] != 1
        || c.getDilation()[1] != 1) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': transposed convolution with convolution mode "
              + c.getConvolutionMode()
              + " or dilation "
              + java.util.Arrays.toString(c.getDilation())
              + " cannot be exported (only Truncate, no dilation)");
    }
    INDArray w = params.get("W");
    String[] inputs =
        c.hasBias() && params.containsKey("b")
            ? new String[] {
              x,
              g.floats(name + "/kernel", w, w.shape()),
              g.floats(name + "/bias", params.get("b"), params.get("b").length())
            }
            : new String[] {x, g.floats(name + "/kernel", w, w.shape())};
    int[] p = c.getPadding();
    return g.node(
        "ConvTranspose",
        name,
        inputs,
        ints("kernel_shape", c.getKernelSize()[0], c.getKernelSize()[1]),
        ints("strides", c.getStride()[0], c.getStride()[1]),
        ints("pads", p[0], p[1], p[0], p[1]));
  }

  private static String conv(
      GraphBuilder g, ConvolutionLayer c, Map<String, INDArray> params, String x, String name) {
    INDArray w = params.get("W");
    String[] inputs =
        c.hasBias() && params.containsKey("b")
            ? new String[] {
              x,
              g.floats(name + "/kernel", w, w.shape()),
              g.floats(name + "/bias", params.get("b"), params.get("b").length())
            }
            : new String[] {x, g.floats(name + "/kernel", w, w.shape())};
    return g.node(
        "Conv",
        name,
        inputs,
        padding(c.getConvolutionMode(), c.getPadding(), name),
        ints("kernel_shape", c.getKernelSize()),
        ints("strides", c.getStride()),
        ints("dilations", c.getDilation()));
  }

  /** A grouped Conv, one group per input channel; output channel c * m + q as DL4J orders them. */
  private static String depthwise(
      GraphBuilder g,
      DepthwiseConvolution2D c,
      Map<String, INDArray> params,
      String x,
      String name) {
    INDArray w = params.get("W"); // [kh, kw, in, m]
    long in = w.size(2);
    long m = w.size(3);
    INDArray kernel = w.permute(2, 3, 0, 1).dup('c').reshape('c', in * m, 1, w.size(0), w.size(1));
    String[] inputs =
        c.hasBias() && params.containsKey("b")
            ? new String[] {
              x,
              g.floats(name + "/kernel", kernel, kernel.shape()),
              g.floats(name + "/bias", params.get("b"), in * m)
            }
            : new String[] {x, g.floats(name + "/kernel", kernel, kernel.shape())};
    return g.node(
        "Conv",
        name,
        inputs,
        padding(c.getConvolutionMode(), c.getPadding(), name),
        ints("kernel_shape", c.getKernelSize()),
        ints("strides", c.getStride()),
        ints("dilations", c.getDilation()),
        attr("group", in));
  }

  private static dev.graft.onnx.AttributeProto padding(
      ConvolutionMode mode, int[] pad, String name) {
    if (mode == ConvolutionMode.Same) {
      // DL4J's Same mode pads the extra row/column at the end, as SAME_UPPER does.
      return attr("auto_pad", "SAME_UPPER");
    }
    if (mode == ConvolutionMode.Causal) {
      throw GraftException.unsupported(
          "layer '" + name + "': causal convolution cannot be exported");
    }
    return ints("pads", pad[0], pad[1], pad[0], pad[1]);
  }

  private static String pool(GraphBuilder g, SubsamplingLayer s, String x, String name) {
    PoolingType type = s.getPoolingType();
    var pads = padding(s.getConvolutionMode(), s.getPadding(), name);
    if (type == PoolingType.MAX) {
      return g.node(
          "MaxPool",
          name,
          new String[] {x},
          pads,
          ints("kernel_shape", s.getKernelSize()),
          ints("strides", s.getStride()),
          ints("dilations", s.getDilation()));
    }
    if (type == PoolingType.AVG) {
      for (int d : s.getDilation()) {
        if (d != 1) {
          throw GraftException.unsupported(
              "layer '" + name + "': dilated average pooling cannot be exported");
        }
      }
      return g.node(
          "AveragePool",
          name,
          new String[] {x},
          pads,
          ints("kernel_shape", s.getKernelSize()),
          ints("strides", s.getStride()),
          attr("count_include_pad", s.isAvgPoolIncludePadInDivisor() ? 1L : 0L));
    }
    throw GraftException.unsupported(
        "layer '" + name + "': " + type + " pooling cannot be exported (supported: MAX, AVG)");
  }

  /** ONNX's global pooling operator for a max or average pooling layer. */
  static String globalPoolOp(GlobalPoolingLayer gp, String name) {
    return switch (gp.getPoolingType()) {
      case MAX -> "GlobalMaxPool";
      case AVG -> "GlobalAveragePool";
      default ->
          throw GraftException.unsupported(
              "layer '"
                  + name
                  + "': "
                  + gp.getPoolingType()
                  + " global pooling cannot be exported");
    };
  }

  private static String globalPool(
      GraphBuilder g,
      GlobalPoolingLayer gp,
      String x,
      long[] inShape,
      long[] outShape,
      String name) {
    if (inShape.length != 4) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': global pooling of rank-"
              + inShape.length
              + " input cannot be exported");
    }
    String op = globalPoolOp(gp, name);
    // DL4J pools over its poolingDimensions: {2, 3} for NCHW (its default), {1, 2} for NHWC.
    int[] dims = gp.getPoolingDimensions();
    boolean nhwc = dims != null && java.util.Arrays.equals(dims, new int[] {1, 2});
    if (dims != null && !nhwc && !java.util.Arrays.equals(dims, new int[] {2, 3})) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': global pooling over dimensions "
              + java.util.Arrays.toString(dims)
              + " cannot be exported");
    }
    String in = nhwc ? g.node("Transpose", name + "/ToNCHW", x, ints("perm", 0, 3, 1, 2)) : x;
    String pooled = g.node(op, name, in);
    long[] shape = outShape.clone();
    shape[0] = 0;
    return g.node(
        "Reshape", name + "/Collapse", new String[] {pooled, g.int64s(name + "/shape", shape)});
  }

  private static String pad(GraphBuilder g, ZeroPaddingLayer z, String x, String name) {
    int[] p = z.getPadding(); // top, bottom, left, right
    long[] pads =
        z.getDataFormat() == CNN2DFormat.NHWC
            ? new long[] {0, p[0], p[2], 0, 0, p[1], p[3], 0}
            : new long[] {0, 0, p[0], p[2], 0, 0, p[1], p[3]};
    return g.node("Pad", name, new String[] {x, g.int64s(name + "/pads", pads)});
  }

  private static String batchNorm(
      GraphBuilder g,
      BatchNormalization bn,
      Map<String, INDArray> params,
      String x,
      long[] inShape,
      String name) {
    INDArray mean = params.get("mean");
    long c = mean.length();
    INDArray var = dev.graft.converter.dl4j.Dl4jParams.batchNormVariance(bn, params);
    INDArray gamma = dev.graft.converter.dl4j.Dl4jParams.batchNormAffine(bn, params, "gamma", c);
    INDArray beta = dev.graft.converter.dl4j.Dl4jParams.batchNormAffine(bn, params, "beta", c);
    boolean nhwc = inShape.length == 4 && bn.getCnn2DFormat() == CNN2DFormat.NHWC;
    String in = nhwc ? g.node("Transpose", name + "/ToNCHW", x, ints("perm", 0, 3, 1, 2)) : x;
    String y =
        g.node(
            "BatchNormalization",
            name,
            new String[] {
              in,
              g.floats(name + "/gamma", gamma, c),
              g.floats(name + "/beta", beta, c),
              g.floats(name + "/mean", mean, c),
              g.floats(name + "/var", var, c)
            },
            attr("epsilon", (float) bn.getEps()));
    return nhwc ? g.node("Transpose", name + "/ToNHWC", y, ints("perm", 0, 2, 3, 1)) : y;
  }
}
