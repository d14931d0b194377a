package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.TensorShapeProto;
import dev.graft.onnx.TypeProto;
import dev.graft.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits an ONNX graph at one tensor into a trunk (graph inputs -> that tensor) and the rest (that
 * tensor -> graph outputs). A cut is valid when it separates the graph: nothing after it reads a
 * graph input or a value computed before it other than the cut tensor itself.
 */
public final class GraphCut {
  private GraphCut() {}

  /** The two halves; the rest's single input is named like the cut tensor. */
  public record Halves(ModelProto trunk, ModelProto rest, String tensor) {}

  /** Resolves a layer (node) name or a tensor name to the tensor to cut at. */
  public static String tensorOf(ModelProto model, String layerOrTensor) {
    for (NodeProto node : model.getGraph().getNodeList()) {
      if (node.getName().equals(layerOrTensor)) {
        if (node.getOutputCount() != 1) {
          throw GraftException.usage(
              "node '"
                  + layerOrTensor
                  + "' has "
                  + node.getOutputCount()
                  + " outputs; cut at one of them by tensor name");
        }
        return node.getOutput(0);
      }
    }
    for (NodeProto node : model.getGraph().getNodeList()) {
      if (node.getOutputList().contains(layerOrTensor)) {
        return layerOrTensor;
      }
    }
    throw GraftException.usage(
        "no node or tensor named '"
            + layerOrTensor
            + "' in the model; valid cut points: "
            + String.join(", ", cutPoints(model)));
  }

  public static Halves cut(ModelProto model, String layerOrTensor) {
    String tensor = tensorOf(model, layerOrTensor);
    GraphProto g = model.getGraph();
    Set<String> before = ancestors(g, tensor);
    List<NodeProto> trunkNodes = new ArrayList<>();
    List<NodeProto> restNodes = new ArrayList<>();
    for (NodeProto node : g.getNodeList()) {
      (before.contains(nodeKey(node)) ? trunkNodes : restNodes).add(node);
    }
    String problem = separationProblem(g, restNodes, tensor);
    if (problem != null) {
      throw GraftException.usage(
          "cutting at '"
              + layerOrTensor
              + "' does not separate the graph: "
              + problem
              + "; valid cut points: "
              + String.join(", ", cutPoints(model)));
    }
    ModelProto probe =
        subModel(model, trunkNodes, g.getInputList(), List.of(floatValue(tensor, null)));
    long[] shape = exampleShape(probe);
    ModelProto trunk =
        subModel(model, trunkNodes, g.getInputList(), List.of(floatValue(tensor, shape)));
    ModelProto rest =
        subModel(model, restNodes, List.of(floatValue(tensor, shape)), g.getOutputList());
    return new Halves(trunk, rest, tensor);
  }

  /** The cut tensor's shape for one example, measured by running the trunk in ONNX Runtime. */
  private static long[] exampleShape(ModelProto trunk) {
    try (OnnxModel m = OnnxModel.load(trunk.toByteArray(), ModelOptions.defaults())) {
      List<float[]> zeros = new ArrayList<>(); // one example of zeros per input
      m.inputs().forEach(i -> zeros.add(new float[(int) i.exampleSize()]));
      float[] y = m.run(zeros, 1).get(0);
      long[] shape = m.outputShape(1);
      long product = 1;
      for (int i = 1; i < shape.length; i++) {
        product *= shape[i];
      }
      if (product != y.length) {
        throw new IllegalStateException(
            "shape " + java.util.Arrays.toString(shape) + " vs " + y.length + " values");
      }
      return java.util.Arrays.copyOfRange(shape, 1, shape.length);
    }
  }

  /**
   * The default cut of a classifier: the input of its last dense layer (Gemm or MatMul), found by
   * walking back from the output over single-input operators (activations, Identity, Flatten).
   */
  public static String belowHead(ModelProto model) {
    GraphProto g = model.getGraph();
    Map<String, NodeProto> producer = new HashMap<>();
    g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
    String tensor = g.getOutput(0).getName();
    for (int steps = 0; steps < g.getNodeCount(); steps++) {
      NodeProto node = producer.get(tensor);
      if (node == null) {
        break;
      }
      if (node.getOpType().equals("Gemm") || node.getOpType().equals("MatMul")) {
        return node.getInput(0);
      }
      if (node.getOpType().equals("Add") && node.getInputCount() == 2) {
        NodeProto left = producer.get(node.getInput(0));
        if (left != null && left.getOpType().equals("MatMul")) {
          return left.getInput(0);
        }
      }
      tensor = node.getInput(0);
    }
    throw GraftException.usage(
        "cannot find the model's output layer (a Gemm or MatMul near the output); "
            + "say where to cut with --cut; valid cut points: "
            + String.join(", ", cutPoints(model)));
  }

  /**
   * Every node output (in graph order) that would be a valid cut, named by node when node and
   * tensor agree.
   */
  public static List<String> cutPoints(ModelProto model) {
    GraphProto g = model.getGraph();
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(o -> outputs.add(o.getName()));
    List<String> points = new ArrayList<>();
    for (NodeProto node : g.getNodeList()) {
      if (node.getOutputCount() != 1 || outputs.contains(node.getOutput(0))) {
        continue;
      }
      String tensor = node.getOutput(0);
      Set<String> before = ancestors(g, tensor);
      List<NodeProto> rest =
          g.getNodeList().stream().filter(n -> !before.contains(nodeKey(n))).toList();
      if (separationProblem(g, rest, tensor) == null) {
        points.add(tensor);
      }
    }
    return points;
  }

  /** Keys (node index-free identity) of the nodes needed to compute {@code tensor}. */
  static Set<String> ancestors(GraphProto g, String tensor) {
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto node : g.getNodeList()) {
      node.getOutputList().forEach(o -> producer.put(o, node));
    }
    Set<String> keys = new HashSet<>();
    List<String> todo = new ArrayList<>(List.of(tensor));
    while (!todo.isEmpty()) {
      NodeProto node = producer.get(todo.remove(todo.size() - 1));
      if (node != null && keys.add(nodeKey(node))) {
        todo.addAll(node.getInputList());
      }
    }
    return keys;
  }

  static String nodeKey(NodeProto node) {
    return node.getName() + "|" + String.join(",", node.getOutputList());
  }

  /** Null when the rest reads only its own values, initializers and the cut tensor. */
  private static String separationProblem(GraphProto g, List<NodeProto> rest, String tensor) {
    Set<String> available = new HashSet<>();
    available.add(tensor);
    available.add("");
    g.getInitializerList().forEach(t -> available.add(t.getName()));
    rest.forEach(n -> available.addAll(n.getOutputList()));
    for (NodeProto node : rest) {
      for (String in : node.getInputList()) {
        if (!available.contains(in)) {
          return "node '"
              + node.getName()
              + "' ("
              + node.getOpType()
              + ") still reads '"
              + in
              + "' from before the cut";
        }
      }
    }
    for (ValueInfoProto out : g.getOutputList()) {
      if (!available.contains(out.getName())) {
        return "graph output '" + out.getName() + "' is computed before the cut";
      }
    }
    return null;
  }

  static ModelProto subModel(
      ModelProto model,
      List<NodeProto> nodes,
      List<ValueInfoProto> inputs,
      List<ValueInfoProto> outputs) {
    Set<String> used = new LinkedHashSet<>();
    nodes.forEach(n -> used.addAll(n.getInputList()));
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName(model.getGraph().getName())
            .addAllNode(nodes)
            .addAllInput(inputs)
            .addAllOutput(outputs);
    for (TensorProto init : model.getGraph().getInitializerList()) {
      if (used.contains(init.getName())) {
        g.addInitializer(init);
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  /**
   * A float tensor value with a dynamic batch dimension and the given example shape (null:
   * unknown).
   */
  static ValueInfoProto floatValue(String name, long[] exampleShape) {
    TypeProto.Tensor.Builder t =
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
    if (exampleShape != null) {
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
      for (long d : exampleShape) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      t.setShape(shape);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(t))
        .build();
  }
}
