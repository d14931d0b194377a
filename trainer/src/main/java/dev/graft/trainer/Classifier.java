package dev.graft.trainer;

import dev.graft.converter.Network;
import dev.graft.runtime.OnnxModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Anything that maps rows of examples to class probabilities: a DL4J network or an ONNX model. */
public interface Classifier {
  /** For messages: the model's file or name. */
  String label();

  /** Values per example. */
  long inputSize();

  /**
   * One example's shape as the model takes it (Keras's order for Keras models, the input's for
   * ONNX).
   */
  long[] exampleShape();

  /** n examples, row after row, to n rows of outputs. */
  float[] predict(float[] rows, int n);

  static Classifier of(Network network) {
    return new Classifier() {
      @Override
      public String label() {
        return network.label();
      }

      @Override
      public long inputSize() {
        return network.inputSize();
      }

      @Override
      public long[] exampleShape() {
        return network.inputShape();
      }

      @Override
      public float[] predict(float[] rows, int n) {
        // Freed at once: with JavaCPP's pointer GC off (graft's launcher setting), arrays made
        // outside DL4J's workspaces are never freed otherwise.
        INDArray x = Nd4j.create(rows, new long[] {n, network.inputSize()}, 'c');
        INDArray y = network.outputFlat(x);
        INDArray rowMajor = y.dup('c');
        float[] out = rowMajor.data().asFloat();
        Fitter.free(x, y, rowMajor);
        return out;
      }
    };
  }

  static Classifier of(OnnxModel model) {
    return new Classifier() {
      @Override
      public String label() {
        return model.toString();
      }

      @Override
      public long inputSize() {
        return model.inputSize();
      }

      @Override
      public long[] exampleShape() {
        return model.exampleShape();
      }

      @Override
      public float[] predict(float[] rows, int n) {
        return model.predict(rows, n);
      }
    };
  }
}
