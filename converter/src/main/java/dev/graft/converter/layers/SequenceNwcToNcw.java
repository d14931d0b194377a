package dev.graft.converter.layers;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sequence [batch, time, features] (graft's layout) as [batch, features, time], for DL4J layers
 * that read masks only in that layout (masked global pooling); the mask passes through unchanged.
 * Saved in DL4J zips by class name.
 */
public final class SequenceNwcToNcw extends BaseInputPreProcessor {
  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(0, 2, 1), 'c');
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(0, 2, 1), 'c');
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    InputType.InputTypeRecurrent r = (InputType.InputTypeRecurrent) inputType;
    return InputType.recurrent(r.getSize(), r.getTimeSeriesLength(), RNNFormat.NCW);
  }

  @Override
  public SequenceNwcToNcw clone() {
    return new SequenceNwcToNcw();
  }
}
