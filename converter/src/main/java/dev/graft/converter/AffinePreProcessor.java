package dev.graft.converter;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * {@code y = x * scale + offset} along the last axis (features, or channels of channels-last
 * images): Keras's Rescaling and Normalization layers, which have no DL4J layer. A preprocessor,
 * not a layer, so fine-tuning cannot change it; DL4J saves it in its zips by class name (with its
 * shaded Jackson, hence those annotations).
 */
public final class AffinePreProcessor extends BaseInputPreProcessor {
  private final float[] scale;
  private final float[] offset;

  /** One value per channel, or a single value for all. */
  @JsonCreator
  public AffinePreProcessor(
      @JsonProperty("scale") float[] scale, @JsonProperty("offset") float[] offset) {
    if (scale.length != offset.length && scale.length != 1 && offset.length != 1) {
      throw new IllegalArgumentException(
          "scale and offset sizes differ: " + scale.length + " and " + offset.length);
    }
    this.scale = scale.clone();
    this.offset = offset.clone();
  }

  @JsonProperty("scale")
  public float[] scale() {
    return scale.clone();
  }

  @JsonProperty("offset")
  public float[] offset() {
    return offset.clone();
  }

  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    INDArray y = input.dup('c');
    rows(y).muliRowVector(row(scale, y)).addiRowVector(row(offset, y));
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, y);
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    INDArray g = output.dup('c');
    rows(g).muliRowVector(row(scale, g));
    return workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, g);
  }

  /** A [n, last] view of a c-ordered array, so that row-vector operations act on the last axis. */
  private static INDArray rows(INDArray a) {
    long last = a.size(a.rank() - 1);
    return a.reshape('c', a.length() / last, last);
  }

  private static INDArray row(float[] v, INDArray like) {
    long last = like.size(like.rank() - 1);
    float[] full = v.length == 1 ? filled(v[0], last) : v;
    return Nd4j.create(full).castTo(like.dataType());
  }

  private static float[] filled(float value, long n) {
    float[] out = new float[(int) n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    return inputType;
  }

  @Override
  public AffinePreProcessor clone() {
    return new AffinePreProcessor(scale, offset);
  }
}
