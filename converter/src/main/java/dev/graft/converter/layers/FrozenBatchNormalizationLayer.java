package dev.graft.converter.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs a {@link FrozenBatchNormalization}: forward as DL4J's frozen layer (inference mode),
 * backward the error times gamma / sqrt(var + eps) per channel, the derivative of inference-mode
 * batch normalization; no parameter changes.
 */
public final class FrozenBatchNormalizationLayer extends FrozenLayerWithBackprop {
  FrozenBatchNormalizationLayer(Layer inside) {
    super(inside);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    Layer inside = getInsideLayer();
    BatchNormalization conf = (BatchNormalization) inside.conf().getLayer();
    long channels = conf.getNOut();
    INDArray gamma =
        conf.isLockGammaBeta()
            ? Nd4j.valueArrayOf(new long[] {1, channels}, conf.getGamma(), epsilon.dataType())
            : inside.getParam("gamma");
    INDArray std =
        conf.isUseLogStd()
            ? Transforms.pow(Nd4j.scalar(epsilon.dataType(), 10.0), inside.getParam("log10stdev"))
            : Transforms.sqrt(inside.getParam("var").add(conf.getEps()), false);
    INDArray scale = gamma.castTo(epsilon.dataType()).div(std).reshape(channels);
    int axis = epsilon.rank() == 4 && conf.getCnn2DFormat() == CNN2DFormat.NHWC ? 3 : 1; // channels
    INDArray out = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
    Nd4j.getExecutioner().exec(new BroadcastMulOp(out, scale, out, axis));
    return new Pair<>(new DefaultGradient(), out);
  }
}
