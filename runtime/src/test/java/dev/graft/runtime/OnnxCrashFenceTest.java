package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.TypeProto;
import dev.graft.onnx.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model the fuzz harness made that killed the JVM (SIGSEGV in ONNX Runtime 1.28's session
 * creation): an If with a constant condition, around another such If, around a Loop whose body
 * reads the graph input. ONNX Runtime's constant folding inlines the Ifs and crashes; graft refuses
 * the file before ONNX Runtime sees it. With the condition a graph input (nothing to fold) the same
 * model loads. Were the fence gone, this test's JVM would die and the build fail.
 */
class OnnxCrashFenceTest {
  private static ValueInfoProto value(String name, TensorProto.DataType type) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber())))
        .build();
  }

  private static AttributeProto graph(String name, GraphProto g) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(g)
        .build();
  }

  private static NodeProto constant(String out, TensorProto value) {
    return NodeProto.newBuilder()
        .setOpType("Constant")
        .addOutput(out)
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(value))
        .build();
  }

  private static NodeProto ifNode(String out, GraphProto branch) {
    return NodeProto.newBuilder()
        .setOpType("If")
        .setName("if_" + out)
        .addInput("cond")
        .addOutput(out)
        .addAttribute(graph("then_branch", branch))
        .addAttribute(graph("else_branch", branch))
        .build();
  }

  private static GraphProto branch(String name, List<NodeProto> nodes, String out) {
    return GraphProto.newBuilder()
        .setName(name)
        .addAllNode(nodes)
        .addOutput(value(out, TensorProto.DataType.FLOAT))
        .build();
  }

  /**
   * If(cond) { If(cond) { Loop 2 times: acc = acc + x } }, cond an initializer or cast from an
   * input.
   */
  static ModelProto ifIfLoop(boolean constantCondition) {
    GraphProto body =
        GraphProto.newBuilder()
            .setName("body")
            .addInput(value("i", TensorProto.DataType.INT64))
            .addInput(value("c", TensorProto.DataType.BOOL))
            .addInput(value("acc", TensorProto.DataType.FLOAT))
            .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("c").addOutput("c_out"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Add")
                    .addInput("acc")
                    .addInput("x")
                    .addOutput("acc_out"))
            .addOutput(value("c_out", TensorProto.DataType.BOOL))
            .addOutput(value("acc_out", TensorProto.DataType.FLOAT))
            .build();
    NodeProto loop =
        NodeProto.newBuilder()
            .setOpType("Loop")
            .addInput("n")
            .addInput("t")
            .addInput("x")
            .addOutput("looped")
            .addAttribute(graph("body", body))
            .build();
    TensorProto two =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addInt64Data(2)
            .build();
    TensorProto yes =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.BOOL.getNumber())
            .addInt32Data(1)
            .build();
    GraphProto inner =
        branch("inner", List.of(constant("n", two), constant("t", yes), loop), "looped");
    GraphProto outer = branch("outer", List.of(ifNode("y1", inner)), "y1");
    GraphProto.Builder top =
        GraphProto.newBuilder()
            .setName("top")
            .addInput(GraphCut.floatValue("x", new long[] {2}))
            .addNode(ifNode("y", outer))
            .addOutput(value("y", TensorProto.DataType.FLOAT));
    if (constantCondition) {
      top.addInitializer(yes.toBuilder().setName("cond"));
    } else {
      top.addInput(GraphCut.floatValue("flag", new long[] {1}))
          .addNode(
              0,
              NodeProto.newBuilder()
                  .setOpType("Cast")
                  .addInput("flag")
                  .addOutput("cond")
                  .addAttribute(
                      AttributeProto.newBuilder()
                          .setName("to")
                          .setType(AttributeProto.AttributeType.INT)
                          .setI(TensorProto.DataType.BOOL.getNumber())));
    }
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(top)
        .build();
  }

  @Test
  void aConstantIfAroundNestedControlFlowIsRefusedBeforeOnnxRuntime() {
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> OnnxModel.load(ifIfLoop(true).toByteArray(), ModelOptions.defaults()).close());
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("constant condition"), e.getMessage());
  }

  @Test
  void theSameModelWithAnInputConditionLoads() {
    try (OnnxModel m = OnnxModel.load(ifIfLoop(false).toByteArray(), ModelOptions.defaults())) {
      assertEquals(List.of("x", "flag"), m.inputs().stream().map(i -> i.name()).toList());
    }
  }
}
