package dev.graft.cli;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.Classifier;
import java.nio.file.Path;

/**
 * A model opened for inference, whatever its format: ONNX files run in ONNX Runtime (on the chosen
 * device), Keras and DL4J files in DL4J.
 */
final class LoadedModel implements AutoCloseable {
  private final OnnxModel onnx;
  private final Network network;
  private final Classifier classifier;

  private LoadedModel(OnnxModel onnx, Network network) {
    this.onnx = onnx;
    this.network = network;
    this.classifier = onnx != null ? Classifier.of(onnx) : Classifier.of(network);
  }

  static LoadedModel open(Path file, String device) {
    if (ModelFormat.detect(file) == ModelFormat.ONNX) {
      return new LoadedModel(
          OnnxModel.load(file, ModelOptions.builder().device(device).build()), null);
    }
    if (!device.equals("cpu") && !device.equals("auto")) {
      throw dev.graft.GraftException.usage(
          "--device "
              + device
              + " applies to ONNX models only; "
              + file
              + " runs in DL4J on the CPU (convert it to ONNX first)");
    }
    return new LoadedModel(null, ModelLoader.load(file));
  }

  Classifier classifier() {
    return classifier;
  }

  /**
   * The DL4J network, for what ONNX Runtime cannot do (MC dropout: ONNX files have no dropout
   * left).
   */
  Network network(String why) {
    if (network == null) {
      throw dev.graft.GraftException.usage(
          why + " needs a Keras or DL4J model: ONNX files have their dropout removed");
    }
    return network;
  }

  /** Number of outputs per example. */
  int outputs() {
    return classifier.predict(new float[(int) classifier.inputSize()], 1).length;
  }

  @Override
  public void close() {
    if (onnx != null) {
      onnx.close();
    }
  }
}
