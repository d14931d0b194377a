package dev.graft.converter.onnx.importer;

import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import java.util.HashMap;
import java.util.Map;

/** A node's attributes by name, with ONNX's defaults supplied by the caller. */
final class NodeAttributes {
  private final Map<String, AttributeProto> byName = new HashMap<>();

  NodeAttributes(NodeProto node) {
    node.getAttributeList().forEach(a -> byName.put(a.getName(), a));
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  long integer(String name, long otherwise) {
    AttributeProto a = byName.get(name);
    return a == null ? otherwise : a.getI();
  }

  float real(String name, float otherwise) {
    AttributeProto a = byName.get(name);
    return a == null ? otherwise : a.getF();
  }

  String text(String name, String otherwise) {
    AttributeProto a = byName.get(name);
    return a == null ? otherwise : a.getS().toStringUtf8();
  }

  long[] integers(String name, long[] otherwise) {
    AttributeProto a = byName.get(name);
    return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  TensorProto tensor(String name) {
    AttributeProto a = byName.get(name);
    return a == null || !a.hasT() ? null : a.getT();
  }

  Iterable<String> names() {
    return byName.keySet();
  }
}
