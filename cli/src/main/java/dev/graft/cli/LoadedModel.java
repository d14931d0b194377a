package dev.graft.cli;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.runtime.TensorInfo;
import dev.graft.trainer.Classifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

  /** The output classes' names the model carries (labels.txt, a graft zip or ONNX metadata). */
  List<String> classNames() {
    return onnx != null ? onnx.classNames() : network.classNames();
  }

  /** How images become the model's input, as the model records it ("crop+tf"); null if not. */
  String preprocessing() {
    return onnx != null ? onnx.preprocessing() : network.preprocessing();
  }

  /** The model's inputs' names, in its order. */
  List<String> inputNames() {
    return onnx != null
        ? onnx.inputs().stream().map(TensorInfo::name).toList()
        : network.inputNames();
  }

  /** The model's outputs' names, in its order. */
  List<String> outputNames() {
    return onnx != null
        ? onnx.outputs().stream().map(TensorInfo::name).toList()
        : network.outputNames();
  }

  /** One example's shape per input (no batch dimension). */
  List<long[]> inputShapes() {
    if (onnx != null) {
      return onnx.inputs().stream()
          .map(t -> Arrays.copyOfRange(t.shape(), 1, t.shape().length))
          .toList();
    }
    return network.inputShapes();
  }

  /**
   * n examples, one flat array per input (C order, in {@link #inputNames} order); every output,
   * flat.
   */
  List<float[]> run(List<float[]> batches, int n) {
    if (onnx != null) {
      return onnx.run(batches, n);
    }
    List<long[]> shapes = network.inputShapes();
    INDArray[] xs = new INDArray[batches.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Nd4j.create(batches.get(i), Network.batchShape(shapes.get(i), n), 'c');
    }
    List<float[]> out = new ArrayList<>();
    for (INDArray y : network.outputs(xs)) {
      out.add(y.dup('c').data().asFloat());
    }
    return out;
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
