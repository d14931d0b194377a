package dev.graft.converter.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What DL4J keeps in forms other frameworks do not use, in the forms they do (for the exporters).
 */
public final class Dl4jParams {
  private Dl4jParams() {}

  /** A batch-norm layer's moving variance; DL4J may keep log10(sqrt(var + eps)) instead. */
  public static INDArray batchNormVariance(BatchNormalization bn, Map<String, INDArray> params) {
    if (params.containsKey("log10stdev")) {
      INDArray std =
          Transforms.pow(
              Nd4j.valueArrayOf(params.get("log10stdev").shape(), 10.0, DataType.DOUBLE),
              params.get("log10stdev").castTo(DataType.DOUBLE));
      return std.mul(std).sub(bn.getEps()).castTo(DataType.FLOAT);
    }
    return params.get("var");
  }

  /** gamma or beta, which DL4J leaves out when they are locked to constants. */
  public static INDArray batchNormAffine(
      BatchNormalization bn, Map<String, INDArray> params, String name, long channels) {
    if (params.containsKey(name)) {
      return params.get(name);
    }
    return Nd4j.valueArrayOf(
        new long[] {channels}, name.equals("gamma") ? bn.getGamma() : bn.getBeta(), DataType.FLOAT);
  }

  /**
   * One of ActivationReLU's optional Keras options (max, threshold, negativeSlope), which it does
   * not expose.
   */
  public static Double reluOption(ActivationReLU relu, String name) {
    return (Double) Dl4jInternals.field(relu, ActivationReLU.class, name);
  }

  /**
   * Gate blocks of {@code units} columns each, taken from {@code a} in the order of {@code blocks}
   * (indices of a's blocks): DL4J keeps an LSTM's gates as (c, f, o, i), Keras as (i, f, c, o),
   * ONNX as (i, o, f, c).
   */
  public static INDArray gateBlocks(INDArray a, long units, int... blocks) {
    INDArray[] parts = new INDArray[blocks.length];
    for (int j = 0; j < blocks.length; j++) {
      parts[j] =
          a.get(
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.interval(
                  blocks[j] * units, (blocks[j] + 1) * units));
    }
    return Nd4j.hstack(parts);
  }

  /**
   * One direction's parameters of a DL4J Bidirectional layer ({@code "f"} forward, {@code "b"}
   * backward) under the wrapped layer's own names.
   */
  public static Map<String, INDArray> direction(Map<String, INDArray> params, String prefix) {
    Map<String, INDArray> out = new java.util.HashMap<>();
    params.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** A bias parameter as one row of {@code width}, or zeros when the layer has none. */
  public static INDArray biasRow(Map<String, INDArray> params, String key, long width) {
    INDArray b = params.get(key);
    return b != null ? b.reshape(1, width) : Nd4j.zeros(1, width);
  }
}
