package dev.graft.converter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras-style table of a network's layers: name, type, output shape, parameters, trainable; with
 * the model's inputs (names and example shapes) and outputs.
 */
public record ModelSummary(
    String name,
    String producer,
    String kind,
    List<String> inputNames,
    List<long[]> inputShapes,
    List<String> outputNames,
    List<String> classNames,
    List<Row> rows) {

  /**
   * One layer, or a graph vertex (merge, element-wise, preprocessor). The output shape starts with
   * -1 for the batch dimension; inputs names the layers it takes (graphs only, empty for stacks).
   */
  public record Row(
      String name,
      String type,
      String activation,
      long[] outputShape,
      long params,
      boolean trainable,
      List<String> inputs) {}

  public long totalParams() {
    return rows.stream().mapToLong(Row::params).sum();
  }

  public long trainableParams() {
    return rows.stream().filter(Row::trainable).mapToLong(Row::params).sum();
  }

  public static ModelSummary of(Network network) {
    List<long[]> shapes = network.inputShapes();
    INDArray[] xs = new INDArray[shapes.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Nd4j.zeros(DataType.FLOAT, Network.batchShape(shapes.get(i), 1));
    }
    List<Row> rows = new ArrayList<>();
    if (network.model() instanceof MultiLayerNetwork mln) {
      List<INDArray> acts = mln.feedForward(xs[0], false);
      Layer[] layers = mln.getLayers();
      for (int i = 0; i < layers.length; i++) {
        rows.add(row(layers[i], acts.get(i + 1), List.of()));
      }
    } else {
      ComputationGraph cg = (ComputationGraph) network.model();
      Map<String, INDArray> acts = cg.feedForward(xs, false);
      var conf = cg.getConfiguration();
      for (String name : conf.getTopologicalOrderStr()) {
        GraphVertex vertex = conf.getVertices().get(name);
        List<String> inputs = conf.getVertexInputs().getOrDefault(name, List.of());
        if (vertex == null) {
          continue; // a network input
        }
        rows.add(
            vertex instanceof LayerVertex
                ? row(cg.getLayer(name), acts.get(name), inputs)
                : new Row(
                    name, vertexType(vertex), "", batchShape(acts.get(name)), 0, false, inputs));
      }
    }
    String kind = network.isSequential() ? "Sequential" : "Functional";
    return new ModelSummary(
        network.name(),
        network.producer(),
        kind,
        network.inputNames(),
        shapes,
        network.outputNames(),
        network.classNames(),
        rows);
  }

  private static String vertexType(GraphVertex vertex) {
    if (vertex instanceof ElementWiseVertex e) {
      return "ElementWise" + e.getOp();
    }
    return vertex.getClass().getSimpleName().replace("Vertex", "");
  }

  private static long[] batchShape(INDArray activation) {
    long[] shape = activation == null ? new long[0] : activation.shape().clone();
    if (shape.length > 0) {
      shape[0] = -1;
    }
    return shape;
  }

  private static Row row(Layer layer, INDArray activation, List<String> inputs) {
    var conf = layer.conf().getLayer();
    // A running FrozenLayerWithBackprop reports its inner layer's configuration: check both.
    boolean frozen =
        conf instanceof FrozenLayer
            || conf instanceof FrozenLayerWithBackprop
            || layer instanceof org.deeplearning4j.nn.layers.FrozenLayer
            || layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
    var inner =
        conf instanceof FrozenLayer f
            ? f.getLayer()
            : conf instanceof FrozenLayerWithBackprop fb ? fb.getUnderlying() : conf;
    // Dropout and batch normalization configurations carry an activation they never apply.
    String activationName =
        inner instanceof BaseLayer base
                && !(inner instanceof DropoutLayer)
                && !(inner instanceof BatchNormalization)
                && base.getActivationFn() != null
            ? Activations.name(base.getActivationFn())
            : "";
    return new Row(
        conf.getLayerName(),
        inner.getClass().getSimpleName(),
        activationName,
        batchShape(activation),
        layer.numParams(),
        !frozen && layer.numParams() > 0,
        inputs);
  }

  /** Renders the table as Keras's model.summary() does. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Model: \"%s\" (%s, %s), %s%n", name, kind, producer, ioText()));
    String line = "-".repeat(86) + "\n";
    sb.append(line)
        .append(
            String.format(
                "%-34s %-22s %14s %8s%n", "Layer (type)", "Output Shape", "Param #", "Trainable"));
    sb.append("=".repeat(86)).append('\n');
    for (Row r : rows) {
      String type = r.type() + (r.activation().isEmpty() ? "" : ", " + r.activation());
      sb.append(
          String.format(
              "%-34s %-22s %,14d %8s%s%n",
              r.name() + " (" + type + ")",
              shapeText(r.outputShape(), true),
              r.params(),
              r.trainable() ? "yes" : "no",
              r.inputs().isEmpty() ? "" : "  <- " + String.join(", ", r.inputs())));
    }
    sb.append("=".repeat(86)).append('\n');
    sb.append(
        String.format(
            "Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n",
            totalParams(), trainableParams(), totalParams() - trainableParams()));
    if (!classNames.isEmpty()) {
      sb.append(
          String.format("Classes (%d): %s%n", classNames.size(), String.join(", ", classNames)));
    }
    return sb.toString();
  }

  /** "input shape (None, 8)", or for several inputs or outputs each by name. */
  private String ioText() {
    if (inputShapes.size() == 1 && outputNames.size() == 1) {
      return "input shape " + shapeText(inputShapes.get(0), false);
    }
    List<String> ins = new ArrayList<>();
    for (int i = 0; i < inputShapes.size(); i++) {
      ins.add(inputNames.get(i) + " " + shapeText(inputShapes.get(i), false));
    }
    return "inputs " + String.join(", ", ins) + "; outputs " + String.join(", ", outputNames);
  }

  static String shapeText(long[] shape, boolean batch) {
    List<String> dims = new ArrayList<>();
    if (!batch) {
      dims.add("None");
    }
    Arrays.stream(shape).forEach(d -> dims.add(d < 0 ? "None" : Long.toString(d)));
    return "(" + String.join(", ", dims) + ")";
  }
}
