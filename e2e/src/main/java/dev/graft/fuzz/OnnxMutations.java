package dev.graft.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.StringStringEntryProto;
import dev.graft.onnx.TensorProto;
import java.util.List;
import java.util.Random;

/**
 * Structural mutations of an ONNX model, the kinds a red team used: the graph wrapped in nested If
 * subgraphs (ONNX Runtime's session creation doubles per level), an initializer moved to external
 * data at a hostile location, or random bytes.
 */
final class OnnxMutations {
  private OnnxMutations() {}

  private static final List<String> LOCATIONS =
      List.of("/etc/passwd", "../../etc/passwd", "missing.bin", "", "a\0b", ".", "sub/../../x");

  static byte[] mutate(byte[] original, Random rng) {
    if (rng.nextInt(3) != 0) {
      return FuzzModels.mutateBytes(original, rng);
    }
    ModelProto model;
    try {
      model = ModelProto.parseFrom(original);
    } catch (InvalidProtocolBufferException e) {
      return FuzzModels.mutateBytes(original, rng);
    }
    if (rng.nextBoolean() || model.getGraph().getInitializerCount() == 0) {
      return nested(model, 1 + rng.nextInt(24)).toByteArray();
    }
    return externalData(model, rng).toByteArray();
  }

  /**
   * The graph's nodes moved into an If's branches, {@code levels} deep: each level's then-branch is
   * the level below, its else-branch the first level (so the file grows linearly, not doubling).
   */
  static ModelProto nested(ModelProto model, int levels) {
    GraphProto g = model.getGraph();
    GraphProto inner = g.toBuilder().clearInput().build();
    GraphProto first = null;
    for (int i = 0; i < levels; i++) {
      GraphProto.Builder outer = GraphProto.newBuilder().setName("nest" + i);
      var ifNode = outer.addNodeBuilder().setOpType("If").setName("if" + i).addInput("graft_cond");
      g.getOutputList().forEach(o -> ifNode.addOutput(o.getName()));
      ifNode.addAttribute(branch("then_branch", inner));
      ifNode.addAttribute(branch("else_branch", first == null ? inner : first));
      outer.addAllOutput(g.getOutputList());
      inner = outer.build();
      if (first == null) {
        first = inner;
      }
    }
    GraphProto top =
        inner.toBuilder()
            .addAllInput(g.getInputList())
            .addInitializer(
                TensorProto.newBuilder()
                    .setName("graft_cond")
                    .setDataType(TensorProto.DataType.BOOL.getNumber())
                    .addInt32Data(1))
            .build();
    return model.toBuilder().setGraph(top).build();
  }

  private static AttributeProto branch(String name, GraphProto g) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(g)
        .build();
  }

  /** One initializer's values said to live in an external file at a hostile location. */
  private static ModelProto externalData(ModelProto model, Random rng) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    int i = rng.nextInt(g.getInitializerCount());
    TensorProto.Builder t =
        g.getInitializer(i).toBuilder()
            .setRawData(ByteString.EMPTY)
            .clearFloatData()
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder()
                    .setKey("location")
                    .setValue(LOCATIONS.get(rng.nextInt(LOCATIONS.size()))));
    if (rng.nextBoolean()) {
      t.addExternalData(
          StringStringEntryProto.newBuilder()
              .setKey(rng.nextBoolean() ? "offset" : "length")
              .setValue(String.valueOf(rng.nextLong())));
    }
    g.setInitializer(i, t);
    return model.toBuilder().setGraph(g).build();
  }
}
