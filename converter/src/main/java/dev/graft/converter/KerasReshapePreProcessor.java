package dev.graft.converter;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras's Reshape: each example's values in row-major order, laid out again as {@code targetShape}
 * (channels-last, as the layers graft imports from Keras keep it). Targets of rank 1 (features), 2
 * (time, features) and 3 (height, width, channels). DL4J's own Keras ReshapePreprocessor guesses
 * layouts; this one does exactly what Keras does. Saved in DL4J zips by class name (hence the
 * shaded Jackson annotations).
 */
public final class KerasReshapePreProcessor extends BaseInputPreProcessor {
  private final long[] inputShape;
  private final long[] targetShape;

  /** Shapes of one example, without the batch dimension. */
  @JsonCreator
  public KerasReshapePreProcessor(
      @JsonProperty("inputShape") long[] inputShape,
      @JsonProperty("targetShape") long[] targetShape) {
    if (targetShape.length < 1 || targetShape.length > 3) {
      throw new IllegalArgumentException(
          "reshape targets of rank 1, 2 or 3 are supported, not " + targetShape.length);
    }
    if (count(inputShape) != count(targetShape)) {
      throw new IllegalArgumentException(
          "cannot reshape "
              + java.util.Arrays.toString(inputShape)
              + " to "
              + java.util.Arrays.toString(targetShape));
    }
    this.inputShape = inputShape.clone();
    this.targetShape = targetShape.clone();
  }

  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @JsonProperty("inputShape")
  public long[] inputShape() {
    return inputShape.clone();
  }

  @JsonProperty("targetShape")
  public long[] targetShape() {
    return targetShape.clone();
  }

  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    return workspaceMgr.leverageTo(
        ArrayType.ACTIVATIONS, input.dup('c').reshape('c', batch(input, targetShape)));
  }

  private static long[] batch(INDArray like, long[] shape) {
    long[] out = new long[shape.length + 1];
    out[0] = like.size(0);
    System.arraycopy(shape, 0, out, 1, shape.length);
    return out;
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    return workspaceMgr.leverageTo(
        ArrayType.ACTIVATION_GRAD, output.dup('c').reshape('c', batch(output, inputShape)));
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    return switch (targetShape.length) {
      case 1 -> InputType.feedForward(targetShape[0]);
      case 2 -> InputType.recurrent(targetShape[1], targetShape[0], RNNFormat.NWC);
      default ->
          InputType.convolutional(targetShape[0], targetShape[1], targetShape[2], CNN2DFormat.NHWC);
    };
  }

  @Override
  public KerasReshapePreProcessor clone() {
    return new KerasReshapePreProcessor(inputShape, targetShape);
  }
}
