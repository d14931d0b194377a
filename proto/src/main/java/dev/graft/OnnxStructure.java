package dev.graft;

import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;

/**
 * Bounds an untrusted ONNX model's structure before ONNX Runtime sees it: subgraphs (If, Loop, Scan
 * bodies) nested more than {@value #MAX_DEPTH} deep, or more than {@value #MAX_NODES} nodes in all,
 * are refused. ONNX Runtime's session creation time doubled with every level of nested If (20
 * levels: 99 s, 22: over 200 s); real models nest two or three.
 */
public final class OnnxStructure {
  public static final int MAX_DEPTH = 12;
  public static final int MAX_NODES = 1_000_000;

  private OnnxStructure() {}

  public static void check(String label, ModelProto model) {
    long[] nodes = new long[1];
    walk(label, model.getGraph(), 0, nodes);
    model.getFunctionsList().forEach(f -> f.getNodeList().forEach(n -> node(label, n, 0, nodes)));
  }

  private static void walk(String label, GraphProto graph, int depth, long[] nodes) {
    if (depth > MAX_DEPTH) {
      throw GraftException.badInput(
          label
              + ": refused: subgraphs nested more than "
              + MAX_DEPTH
              + " deep (graph '"
              + graph.getName()
              + "')");
    }
    for (NodeProto n : graph.getNodeList()) {
      node(label, n, depth, nodes);
    }
  }

  private static void node(String label, NodeProto n, int depth, long[] nodes) {
    if (++nodes[0] > MAX_NODES) {
      throw GraftException.badInput(label + ": refused: more than " + MAX_NODES + " nodes");
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG()) {
        walk(label, a.getG(), depth + 1, nodes);
      }
      for (GraphProto g : a.getGraphsList()) {
        walk(label, g, depth + 1, nodes);
      }
    }
  }
}
