package dev.graft.converter;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Deeplearning4j network together with what graft knows about where it came from: the source file
 * and its hash, the format, and the shape of one input example (no batch dimension), in the layout
 * the source framework used (Keras: channels last).
 */
public final class Network {
  private final Model model;
  private final String name;
  private final Path source;
  private final ModelFormat format;
  private final String sourceSha256;
  private final long[] inputShape;
  private final String producer;

  public Network(
      Model model,
      String name,
      Path source,
      ModelFormat format,
      String sourceSha256,
      long[] inputShape,
      String producer) {
    if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
      throw new IllegalArgumentException("not a DL4J network: " + model.getClass());
    }
    this.model = model;
    this.name = name;
    this.source = source;
    this.format = format;
    this.sourceSha256 = sourceSha256;
    this.inputShape = inputShape.clone();
    this.producer = producer;
  }

  /** The same provenance around another DL4J network (after fine-tuning, say). */
  public Network withModel(Model other) {
    return new Network(other, name, source, format, sourceSha256, inputShape, producer);
  }

  public Model model() {
    return model;
  }

  public String name() {
    return name;
  }

  public Path source() {
    return source;
  }

  /** The source file, or the name for networks built in memory: for messages. */
  public String label() {
    return source != null ? source.toString() : name;
  }

  public ModelFormat format() {
    return format;
  }

  public String sourceSha256() {
    return sourceSha256;
  }

  /** Shape of one example, without the batch dimension. */
  public long[] inputShape() {
    return inputShape.clone();
  }

  /** Number of values in one example. */
  public long inputSize() {
    return Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
  }

  /** Who wrote the source file, e.g. "Keras 2.4.0". */
  public String producer() {
    return producer;
  }

  public boolean isSequential() {
    return model instanceof MultiLayerNetwork;
  }

  /** The network as a layer stack; Functional (graph) models are refused with a clear error. */
  public MultiLayerNetwork sequential() {
    if (model instanceof MultiLayerNetwork mln) {
      return mln;
    }
    throw GraftException.unsupported(
        label()
            + ": is a Functional (graph) model; this operation "
            + "needs a Sequential model (a plain stack of layers)");
  }

  public List<Layer> layers() {
    Layer[] layers =
        model instanceof MultiLayerNetwork mln
            ? mln.getLayers()
            : ((ComputationGraph) model).getLayers();
    return List.of(layers);
  }

  public List<String> layerNames() {
    List<String> names = new ArrayList<>();
    for (Layer layer : layers()) {
      names.add(layer.conf().getLayer().getLayerName());
    }
    return names;
  }

  public int outputSize() {
    INDArray out = output(Nd4j.zeros(DataType.FLOAT, batchShape(1)));
    return (int) out.size(1);
  }

  /** Shape of a batch of n examples. */
  public long[] batchShape(long n) {
    long[] shape = new long[inputShape.length + 1];
    shape[0] = n;
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    return shape;
  }

  /** Inference (dropout off) on a batch shaped like {@link #batchShape}. */
  public INDArray output(INDArray batch) {
    if (model instanceof MultiLayerNetwork mln) {
      return mln.output(batch, false);
    }
    return ((ComputationGraph) model).outputSingle(false, batch);
  }

  /** Inference on examples given as flat rows (n x inputSize), reshaped to the model's input. */
  public INDArray outputFlat(INDArray rows) {
    return output(rows.reshape('c', batchShape(rows.size(0))));
  }
}
