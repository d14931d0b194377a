package dev.graft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Nested If subgraphs: a few levels are fine, 20 (99 s of ONNX Runtime session creation) are
 * refused.
 */
class OnnxStructureTest {
  /** An If whose then-branch holds another If, {@code levels} deep; the else-branches are empty. */
  static GraphProto nestedIf(int levels) {
    GraphProto inner = GraphProto.newBuilder().setName("leaf").build();
    for (int i = 0; i < levels; i++) {
      NodeProto ifNode =
          NodeProto.newBuilder()
              .setOpType("If")
              .addInput("cond")
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("then_branch")
                      .setType(AttributeProto.AttributeType.GRAPH)
                      .setG(inner))
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("else_branch")
                      .setType(AttributeProto.AttributeType.GRAPH)
                      .setG(GraphProto.newBuilder().setName("else" + i)))
              .build();
      inner = GraphProto.newBuilder().setName("level" + i).addNode(ifNode).build();
    }
    return inner;
  }

  @Test
  void deeplyNestedSubgraphsAreRefusedBeforeOnnxRuntime() {
    ModelProto shallow = ModelProto.newBuilder().setGraph(nestedIf(3)).build();
    assertDoesNotThrow(() -> ExternalData.check(Path.of("shallow.onnx"), shallow));
    ModelProto deep = ModelProto.newBuilder().setGraph(nestedIf(20)).build();
    GraftException e =
        assertThrows(GraftException.class, () -> ExternalData.check(Path.of("deep.onnx"), deep));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(
        e.getMessage().contains("deep.onnx") && e.getMessage().contains("nested"), e.getMessage());
    assertThrows(GraftException.class, () -> ExternalData.refuseAny("<bytes>", deep));
  }
}
