package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A model with several outputs (a main and an auxiliary head) cut down to one of them: only the
 * nodes that output needs, and only the inputs they read, so a fine-tune can replace that output's
 * head and a user feeds only the inputs it uses.
 */
public final class GraphPrune {
  private GraphPrune() {}

  /** The model's output names, in order. */
  public static List<String> outputs(ModelProto model) {
    return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
  }

  /** The model's input names, in order (not initializers, which old files list as inputs). */
  public static List<String> inputs(ModelProto model) {
    Set<String> initializers = new HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    return model.getGraph().getInputList().stream()
        .map(ValueInfoProto::getName)
        .filter(n -> !initializers.contains(n))
        .toList();
  }

  /** The part of {@code model} that computes its output {@code name}. */
  public static ModelProto toOutput(ModelProto model, String name) {
    GraphProto g = model.getGraph();
    ValueInfoProto output =
        g.getOutputList().stream()
            .filter(o -> o.getName().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    GraftException.parameter(
                        "output",
                        "'" + name + "' is not one of the model's outputs " + outputs(model)));
    Set<String> needed = GraphCut.ancestors(g, name);
    List<NodeProto> nodes =
        g.getNodeList().stream().filter(n -> needed.contains(GraphCut.nodeKey(n))).toList();
    Set<String> read = new HashSet<>();
    nodes.forEach(n -> read.addAll(n.getInputList()));
    read.add(name); // an output that is an input itself
    List<ValueInfoProto> inputs =
        g.getInputList().stream().filter(i -> read.contains(i.getName())).toList();
    return GraphCut.subModel(model, nodes, inputs, List.of(output));
  }
}
