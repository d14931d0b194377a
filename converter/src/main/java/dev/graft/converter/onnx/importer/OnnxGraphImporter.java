package dev.graft.converter.onnx.importer;

import dev.graft.GraftException;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Walks an ONNX graph in node order, keeping what each tensor name stands for ({@link Value}):
 * constants are folded, shape arithmetic is followed symbolically, and every other node becomes
 * DL4J vertices through {@link NodeTranslator}.
 */
final class OnnxGraphImporter {
  final Path file;
  final String label;
  final int opset;
  final GraphAssembly assembly;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Integer> consumers = new HashMap<>();
  private final List<String> outputs = new ArrayList<>();
  private final String input;
  private final long[] inputShape;

  OnnxGraphImporter(
      Path file,
      String label,
      int opset,
      GraphProto graph,
      Map<String, TensorProto> extraConstants) {
    this.file = file;
    this.label = label;
    this.opset = opset;
    Path folder = file == null ? null : file.toAbsolutePath().getParent();
    for (TensorProto t : graph.getInitializerList()) {
      values.put(t.getName(), new Value.Constant(OnnxTensors.read(t, folder, label)));
    }
    extraConstants.forEach(
        (name, t) -> values.put(name, new Value.Constant(OnnxTensors.read(t, folder, label))));
    List<ValueInfoProto> inputs = new ArrayList<>();
    for (ValueInfoProto in : graph.getInputList()) {
      if (!values.containsKey(in.getName())) {
        inputs.add(in);
      }
    }
    if (inputs.size() != 1 || graph.getOutputCount() != 1) {
      throw GraftException.unsupported(
          label
              + ": a graph with "
              + inputs.size()
              + " inputs and "
              + graph.getOutputCount()
              + " outputs (one of each can be imported)");
    }
    input = inputs.get(0).getName();
    inputShape = inputShape(inputs.get(0));
    assembly = new GraphAssembly(input);
    values.put(input, new Value.Tensor(input, inputShape, List.of()));
    for (NodeProto node : graph.getNodeList()) {
      node.getInputList().forEach(i -> consumers.merge(i, 1, Integer::sum));
    }
    graph
        .getOutputList()
        .forEach(
            o -> {
              outputs.add(o.getName());
              consumers.merge(o.getName(), 1, Integer::sum);
            });
  }

  /** The example shape (no batch dimension) the network takes. */
  long[] exampleShape() {
    return java.util.Arrays.copyOfRange(inputShape, 1, inputShape.length);
  }

  ComputationGraph run(GraphProto graph) {
    NodeTranslator translator = new NodeTranslator(this);
    for (NodeProto node : graph.getNodeList()) {
      translator.translate(node);
    }
    Value out = values.get(outputs.get(0));
    if (!(out instanceof Value.Tensor t)) {
      throw GraftException.unsupported(
          label + ": the graph's output '" + outputs.get(0) + "' does not depend on its input");
    }
    String vertex = assembly.materialize(t);
    if (vertex.equals(input)) {
      // The output is the input (Identity, Dropout): DL4J needs a vertex to output.
      vertex = assembly.name("identity");
      assembly.layer(
          vertex,
          new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
              .activation(new org.nd4j.linalg.activations.impl.ActivationIdentity())
              .build(),
          List.of(),
          input);
    }
    return assembly.build(file, vertex);
  }

  Value value(String name, NodeProto node) {
    Value v = values.get(name);
    if (v == null) {
      throw GraftException.badInput(
          label
              + ": node '"
              + node.getName()
              + "' ("
              + node.getOpType()
              + ") reads '"
              + name
              + "', which no earlier node or initializer defines");
    }
    return v;
  }

  void define(String name, Value v) {
    values.put(name, v);
  }

  /**
   * Whether {@code name} is read by exactly one node and is not a graph output: it may be folded
   * into its producer.
   */
  boolean singleUse(String name) {
    return consumers.getOrDefault(name, 0) == 1 && !outputs.contains(name);
  }

  private long[] inputShape(ValueInfoProto in) {
    var shape = in.getType().getTensorType().getShape();
    if (!in.getType().hasTensorType() || shape.getDimCount() < 1) {
      throw GraftException.unsupported(
          label + ": input '" + in.getName() + "' has no tensor shape");
    }
    long[] dims = new long[shape.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      var d = shape.getDim(i);
      if (i == 0) {
        dims[i] = -1; // the batch, whatever the file says
      } else if (d.hasDimValue() && d.getDimValue() > 0) {
        dims[i] = d.getDimValue();
      } else {
        throw GraftException.unsupported(
            label
                + ": input '"
                + in.getName()
                + "' has an unknown dimension "
                + i
                + " ("
                + (d.hasDimParam() ? d.getDimParam() : "?")
                + "); only the batch dimension may vary");
      }
    }
    return dims;
  }
}
