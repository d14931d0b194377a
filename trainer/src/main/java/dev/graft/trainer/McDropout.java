package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Monte Carlo dropout (the chapter's MC dropout): {@code passes} predictions with dropout active,
 * their mean and standard deviation per output. As with Keras's {@code model(x, training=True)},
 * DL4J's training mode also makes batch normalization use the batch's statistics.
 */
public final class McDropout {
  private McDropout() {}

  public record Result(float[] mean, float[] std, int outputs) {}

  public static Result predict(Network network, float[] x, int n, int passes, long seed) {
    if (passes < 2) {
      throw GraftException.parameter("passes", "must be at least 2, not " + passes);
    }
    if (!hasDropout(network)) {
      throw GraftException.usage(
          network.label() + " has no dropout: every pass would give the same prediction");
    }
    INDArray input = Nd4j.create(x, network.batchShape(n), 'c').castTo(DataType.FLOAT);
    Nd4j.getRandom().setSeed(seed);
    INDArray sum = null;
    INDArray sumSq = null;
    for (int p = 0; p < passes; p++) {
      INDArray y =
          network.model() instanceof MultiLayerNetwork m
              ? m.output(input, true)
              : ((ComputationGraph) network.model()).outputSingle(true, input);
      sum = sum == null ? y.dup() : sum.addi(y);
      sumSq = sumSq == null ? y.mul(y) : sumSq.addi(y.mul(y));
    }
    INDArray mean = sum.divi(passes);
    INDArray variance = sumSq.divi(passes).subi(mean.mul(mean));
    INDArray std =
        org.nd4j.linalg.ops.transforms.Transforms.sqrt(
            org.nd4j.linalg.ops.transforms.Transforms.max(variance, 0.0), false);
    return new Result(
        mean.dup('c').data().asFloat(), std.dup('c').data().asFloat(), (int) mean.size(1));
  }

  /** Dropout layers, or layers with their own dropout (DL4J's per-layer input dropout). */
  static boolean hasDropout(Network network) {
    for (var layer : network.layers()) {
      var conf = layer.conf().getLayer();
      if (conf instanceof DropoutLayer || conf.getIDropout() != null) {
        return true;
      }
    }
    return false;
  }
}
