package dev.graft.converter.onnx;

import static dev.graft.converter.onnx.GraphBuilder.attr;
import static dev.graft.converter.onnx.GraphBuilder.ints;

import dev.graft.GraftException;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sequence layers other than the recurrent ones ({@link RecurrentOps}): an embedding (a Gather
 * of the rows its float token ids name), Conv1D over a time-major sequence (ONNX's Conv reads
 * channels first, so a transpose each way), and global pooling over time. The tensors keep DL4J's
 * [batch, time, features] layout.
 */
final class SequenceOps {
  private SequenceOps() {}

  static boolean handles(Layer layer, long[] inShape) {
    return layer instanceof EmbeddingSequenceLayer
        || layer instanceof Convolution1DLayer
        || (layer instanceof GlobalPoolingLayer && inShape.length == 3);
  }

  /** The layer's output before its activation (pooling has none). */
  static String apply(
      GraphBuilder g,
      Layer layer,
      Map<String, INDArray> params,
      String x,
      long[] inShape,
      long[] outShape,
      String name) {
    if (layer instanceof EmbeddingSequenceLayer) {
      return embedding(g, params, x, outShape, name);
    }
    if (layer instanceof Convolution1DLayer c) {
      return conv1d(g, c, params, x, name);
    }
    return pool((GlobalPoolingLayer) layer, g, x, outShape, name);
  }

  private static String embedding(
      GraphBuilder g, Map<String, INDArray> params, String x, long[] outShape, String name) {
    INDArray w = params.get("W");
    String ids = g.node("Cast", name + "/Ids", x, attr("to", 7L)); // INT64
    String rows =
        g.node(
            "Gather",
            name,
            new String[] {g.floats(name + "/W", w, w.shape()), ids},
            attr("axis", 0L));
    if (params.containsKey("b")) {
      rows =
          g.node(
              "Add",
              name + "/Bias",
              new String[] {
                rows, g.floats(name + "/b", params.get("b"), params.get("b").length())
              });
    }
    long[] shape = outShape.clone();
    shape[0] = 0; // keep the batch
    return g.node(
        "Reshape", name + "/Reshape", new String[] {rows, g.int64s(name + "/shape", shape)});
  }

  /**
   * DL4J 1.0.0-M2.1 labels a Conv1D's W [out, in, k, 1] but reads its buffer as Keras's [k, in,
   * out] (graft's Conv1D mapping relies on it): ONNX's kernel [out, in, k] from that reading.
   */
  private static String conv1d(
      GraphBuilder g, Convolution1DLayer c, Map<String, INDArray> params, String x, String name) {
    if (c.getRnnDataFormat() != RNNFormat.NWC) {
      throw GraftException.unsupported(
          "layer '" + name + "': Conv1D over channels-first sequences cannot be exported");
    }
    long out = c.getNOut();
    long in = c.getNIn();
    int k = c.getKernelSize()[0];
    int d = c.getDilation()[0];
    INDArray w = params.get("W");
    INDArray kernel =
        Nd4j.create(w.dup('c').data().asFloat(), new long[] {k, in, out}, 'c')
            .permute(2, 1, 0)
            .dup('c');
    String channelsFirst = g.node("Transpose", name + "/ToNCW", x, ints("perm", 0, 2, 1));
    String[] inputs =
        c.hasBias() && params.containsKey("b")
            ? new String[] {
              channelsFirst,
              g.floats(name + "/kernel", kernel, out, in, k),
              g.floats(name + "/bias", params.get("b"), out)
            }
            : new String[] {channelsFirst, g.floats(name + "/kernel", kernel, out, in, k)};
    var padding =
        switch (c.getConvolutionMode()) {
          case Same -> attr("auto_pad", "SAME_UPPER"); // the extra step at the end, as TF pads
          case Causal -> ints("pads", (long) (k - 1) * d, 0L); // only the past
          default -> ints("pads", c.getPadding()[0], c.getPadding()[0]);
        };
    String y =
        g.node(
            "Conv",
            name,
            inputs,
            padding,
            ints("kernel_shape", k),
            ints("strides", c.getStride()[0]),
            ints("dilations", d));
    return g.node("Transpose", name + "/ToNWC", y, ints("perm", 0, 2, 1));
  }

  /** Pooling over the time axis ({1}: [batch, time, features]; {2}: [batch, features, time]). */
  private static String pool(
      GlobalPoolingLayer gp, GraphBuilder g, String x, long[] outShape, String name) {
    int[] dims = gp.getPoolingDimensions();
    boolean timeMajor = Arrays.equals(dims, new int[] {1});
    if (!timeMajor && !Arrays.equals(dims, new int[] {2})) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': global pooling of a sequence over "
              + Arrays.toString(dims)
              + " cannot be exported");
    }
    String op = LayerOps.globalPoolOp(gp, name);
    String in = timeMajor ? g.node("Transpose", name + "/ToNCW", x, ints("perm", 0, 2, 1)) : x;
    String pooled = g.node(op, name, in);
    long[] shape = outShape.clone();
    shape[0] = 0;
    return g.node(
        "Reshape", name + "/Reshape", new String[] {pooled, g.int64s(name + "/shape", shape)});
  }
}
