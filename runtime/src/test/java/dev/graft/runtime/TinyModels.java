package dev.graft.runtime;

import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;

/** Small ONNX graphs built with graft's schema, for cutting and stitching. */
final class TinyModels {
  private TinyModels() {}

  static NodeProto node(String op, String name, String... inputs) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(java.util.List.of(inputs))
        .addOutput(name)
        .build();
  }

  static ModelProto model(GraphProto.Builder graph, long exampleSize) {
    graph.addInput(GraphCut.floatValue("x", new long[] {exampleSize}));
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build();
  }

  /** x -> Relu -> Sigmoid -> Tanh -> y */
  static ModelProto chain() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("chain")
            .addNode(node("Relu", "relu", "x"))
            .addNode(node("Sigmoid", "sigmoid", "relu"))
            .addNode(node("Tanh", "y", "sigmoid"))
            .addOutput(GraphCut.floatValue("y", new long[] {4}));
    return model(g, 4);
  }

  /** x -> Relu -> a; y = Sigmoid(a) + x: cutting at a leaves x read after the cut. */
  static ModelProto residual() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("residual")
            .addNode(node("Relu", "a", "x"))
            .addNode(node("Sigmoid", "b", "a"))
            .addNode(node("Add", "c", "b", "x"))
            .addNode(node("Tanh", "y", "c"))
            .addOutput(GraphCut.floatValue("y", new long[] {4}));
    return model(g, 4);
  }
}
