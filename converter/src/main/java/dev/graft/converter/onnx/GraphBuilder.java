package dev.graft.converter.onnx;

import com.google.protobuf.ByteString;
import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Accumulates ONNX nodes and initializers with unique tensor names. */
final class GraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();

  GraphProto.Builder graph() {
    return graph;
  }

  /** A fresh tensor name based on {@code base}. */
  String name(String base) {
    String candidate = base;
    for (int i = 1; !names.add(candidate); i++) {
      candidate = base + "_" + i;
    }
    return candidate;
  }

  /**
   * Adds a node with one output; node and output tensor both get {@code nodeName} (made unique), so
   * a layer's main node carries the layer's name. Returns the output name.
   */
  String node(String op, String nodeName, String[] inputs, AttributeProto... attributes) {
    String output = name(nodeName);
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    node.addOutput(output);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
    return output;
  }

  /** A node with {@code outputs} outputs, named {@code nodeName}, {@code nodeName}/1, ... */
  String[] nodeOutputs(
      String op, String nodeName, String[] inputs, int outputs, AttributeProto... attributes) {
    String first = name(nodeName);
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(first);
    for (String input : inputs) {
      node.addInput(input);
    }
    String[] names = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      names[i] = i == 0 ? first : name(nodeName + "/" + i);
      node.addOutput(names[i]);
    }
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
    return names;
  }

  /** An int64 scalar constant (rank 0: a Gather with it drops the axis). */
  String scalarInt64(String base, long value) {
    String name = name(base);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addInt64Data(value));
    return name;
  }

  /** An Identity node writing {@code reserved}, a name taken earlier with {@link #name}. */
  void identityTo(String reserved, String input) {
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType("Identity")
            .setName(reserved)
            .addInput(input)
            .addOutput(reserved));
  }

  String node(String op, String nodeName, String input, AttributeProto... attributes) {
    return node(op, nodeName, new String[] {input}, attributes);
  }

  /**
   * A float32 initializer holding {@code values} (any order: copied in C order) with {@code dims}.
   */
  String floats(String base, INDArray values, long... dims) {
    float[] data = values.castTo(DataType.FLOAT).dup('c').data().asFloat();
    return floats(base, data, dims);
  }

  String floats(String base, float[] data, long... dims) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    String name = name(base);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  String int64s(String base, long... values) {
    String name = name(base);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
    return name;
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  static AttributeProto strings(String name, String... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFromUtf8(v));
    }
    return a.build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto ints(String name, int... values) {
    long[] longs = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      longs[i] = values[i];
    }
    return ints(name, longs);
  }
}
