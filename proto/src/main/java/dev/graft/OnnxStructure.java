package dev.graft;

import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Bounds an untrusted ONNX model's structure before ONNX Runtime sees it: subgraphs (If, Loop, Scan
 * bodies) nested more than {@value #MAX_DEPTH} deep, or more than {@value #MAX_NODES} nodes in all,
 * are refused. ONNX Runtime's session creation time doubled with every level of nested If (20
 * levels: 99 s, 22: over 200 s); real models nest two or three. Also refused: an If whose condition
 * is a constant (ONNX Runtime's constant folding inlines its branch) around further subgraphs: ONNX
 * Runtime 1.28 crashed the JVM (SIGSEGV in session creation) inlining two such Ifs around a Loop
 * that reads an outer value, a file graft's fuzz harness made. Exporters fold constant Ifs away, so
 * real models do not have them.
 */
public final class OnnxStructure {
  public static final int MAX_DEPTH = 12;
  public static final int MAX_NODES = 1_000_000;

  private OnnxStructure() {}

  public static void check(String label, ModelProto model) {
    long[] nodes = new long[1];
    walk(label, model.getGraph(), 0, nodes, null);
    Scope none = new Scope(null);
    model
        .getFunctionsList()
        .forEach(f -> f.getNodeList().forEach(n -> node(label, n, 0, nodes, none)));
  }

  /**
   * The values of one graph that constant folding could compute (initializers that are not inputs,
   * and what nodes make from constants alone), and the names it defines otherwise, which hide an
   * enclosing graph's constants. Lookups walk up at most {@value #MAX_DEPTH} scopes.
   */
  private static final class Scope {
    final Scope parent;
    final Set<String> constants = new HashSet<>();
    final Set<String> variables = new HashSet<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    boolean constant(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.constants.contains(name)) {
          return true;
        }
        if (s.variables.contains(name)) {
          return false;
        }
      }
      return false;
    }
  }

  private static void walk(String label, GraphProto graph, int depth, long[] nodes, Scope outer) {
    if (depth > MAX_DEPTH) {
      throw GraftException.badInput(
          label
              + ": refused: subgraphs nested more than "
              + MAX_DEPTH
              + " deep (graph '"
              + graph.getName()
              + "')");
    }
    Scope scope = new Scope(outer);
    graph.getInputList().forEach(v -> scope.variables.add(v.getName()));
    for (TensorProto t : graph.getInitializerList()) {
      if (!scope.variables.contains(t.getName())) {
        scope.constants.add(t.getName());
      }
    }
    for (NodeProto n : graph.getNodeList()) {
      node(label, n, depth, nodes, scope);
      boolean folds =
          !hasSubgraph(n)
              && n.getInputList().stream().allMatch(i -> i.isEmpty() || scope.constant(i));
      (folds ? scope.constants : scope.variables).addAll(n.getOutputList());
    }
  }

  private static void node(String label, NodeProto n, int depth, long[] nodes, Scope scope) {
    if (++nodes[0] > MAX_NODES) {
      throw GraftException.badInput(label + ": refused: more than " + MAX_NODES + " nodes");
    }
    if (n.getOpType().equals("If")
        && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
        && n.getInputCount() > 0
        && scope.constant(n.getInput(0))
        && subgraphs(n)
            .anyMatch(g -> g.getNodeList().stream().anyMatch(OnnxStructure::hasSubgraph))) {
      throw GraftException.badInput(
          label
              + ": refused: If node '"
              + n.getName()
              + "' has a constant condition and further subgraphs in its branches"
              + " (ONNX Runtime crashes inlining such a node)");
    }
    subgraphs(n).forEach(g -> walk(label, g, depth + 1, nodes, scope));
  }

  private static Stream<GraphProto> subgraphs(NodeProto n) {
    return n.getAttributeList().stream()
        .flatMap(
            a ->
                Stream.concat(
                    a.hasG() ? Stream.of(a.getG()) : Stream.empty(), a.getGraphsList().stream()));
  }

  private static boolean hasSubgraph(NodeProto n) {
    return subgraphs(n).findAny().isPresent();
  }
}
