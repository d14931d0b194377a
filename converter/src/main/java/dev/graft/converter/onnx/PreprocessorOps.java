package dev.graft.converter.onnx;

import dev.graft.GraftException;
import dev.graft.converter.AffinePreProcessor;
import dev.graft.converter.KerasReshapePreProcessor;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor;
import org.deeplearning4j.preprocessors.KerasFlattenRnnPreprocessor;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;

/**
 * DL4J input preprocessors (the reshapes between layer kinds, and Keras's Flatten and Reshape) as
 * ONNX operators. The ONNX tensor always has the layout of DL4J's activation array, so these are
 * row-major Reshapes to the shape DL4J itself produces (measured on a sample batch).
 */
final class PreprocessorOps {
  private PreprocessorOps() {}

  /**
   * {@code target}: the preprocessor's output shape for a sample batch (dimension 0 is the batch).
   */
  static String apply(GraphBuilder g, InputPreProcessor p, String x, long[] target, String layer) {
    String n = layer + "/";
    if (p instanceof ComposableInputPreProcessor c) {
      for (InputPreProcessor each : c.getInputPreProcessors()) {
        x = apply(g, each, x, target, layer);
      }
      return x;
    }
    if (p instanceof AffinePreProcessor a) {
      // Constants of shape [C] broadcast along the last axis, as the preprocessor does.
      String scaled =
          g.node(
              "Mul",
              n + "Scale",
              new String[] {x, g.floats(n + "scale", a.scale(), a.scale().length)});
      return g.node(
          "Add",
          n + "Offset",
          new String[] {scaled, g.floats(n + "offset", a.offset(), a.offset().length)});
    }
    if (p instanceof RnnToFeedForwardPreProcessor r) {
      // every step as a row: [batch, time, features] (NWC) or, channels first, transposed first
      if (r.getRnnDataFormat() == RNNFormat.NCW && target.length == 2) {
        x = g.node("Transpose", n + "ToNWC", x, GraphBuilder.ints("perm", 0, 2, 1));
      }
      return g.node(
          "Reshape", n + "Reshape", new String[] {x, g.int64s(n + "shape", -1, target[1])});
    }
    if (p instanceof FeedForwardToRnnPreProcessor f) {
      // rows back to sequences: [batch * time, features] to [batch, time, features]
      boolean ncw = f.getRnnDataFormat() == RNNFormat.NCW;
      long steps = ncw ? target[2] : target[1];
      long features = ncw ? target[1] : target[2];
      String y =
          g.node(
              "Reshape",
              n + "Reshape",
              new String[] {x, g.int64s(n + "shape", -1, steps, features)});
      return ncw ? g.node("Transpose", n + "ToNCW", y, GraphBuilder.ints("perm", 0, 2, 1)) : y;
    }
    if (p instanceof TensorFlowCnnToFeedForwardPreProcessor) {
      // Keras's channels-last flatten of an NCHW array: to NHWC first.
      x = g.node("Transpose", n + "ToNHWC", x, GraphBuilder.ints("perm", 0, 2, 3, 1));
    } else if (!(p instanceof CnnToFeedForwardPreProcessor
        || p instanceof KerasFlattenRnnPreprocessor
        || p instanceof FeedForwardToCnnPreProcessor
        || p instanceof ReshapePreprocessor
        || p instanceof KerasReshapePreProcessor)) {
      throw GraftException.unsupported(
          "layer '"
              + layer
              + "': input preprocessor "
              + p.getClass().getSimpleName()
              + " cannot be exported to ONNX (supported: CnnToFeedForward, FeedForwardToCnn, RnnToFeedForward, FeedForwardToRnn, Keras Flatten and Reshape)");
    }
    long[] shape = target.clone();
    shape[0] = 0; // ONNX Reshape: 0 keeps the (dynamic) batch dimension
    return g.node("Reshape", n + "Reshape", new String[] {x, g.int64s(n + "shape", shape)});
  }
}
