package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.ValueInfoProto;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Joins a trunk (one output) and a head (one input) into one ONNX model: the head reads the trunk's
 * output; the head's internal names get a prefix so nothing clashes; its outputs keep their names.
 * Opsets and IR version are the higher of the two.
 */
public final class GraphStitch {
  private GraphStitch() {}

  public static ModelProto stitch(ModelProto trunk, ModelProto head, String prefix) {
    GraphProto t = trunk.getGraph();
    GraphProto h = head.getGraph();
    if (t.getOutputCount() != 1 || h.getInputCount() != 1) {
      throw GraftException.usage(
          "stitching needs a trunk with one output and a head with one input (got "
              + t.getOutputCount()
              + " and "
              + h.getInputCount()
              + ")");
    }
    String joint = t.getOutput(0).getName();
    Set<String> trunkNames = new HashSet<>();
    t.getNodeList().forEach(n -> trunkNames.addAll(n.getOutputList()));
    t.getInitializerList().forEach(i -> trunkNames.add(i.getName()));
    t.getInputList().forEach(i -> trunkNames.add(i.getName()));
    Set<String> keep = new HashSet<>();
    h.getOutputList().forEach(o -> keep.add(o.getName()));
    for (String out : keep) {
      if (trunkNames.contains(out)) {
        throw GraftException.usage(
            "the head's output '" + out + "' clashes with a name in the trunk");
      }
    }
    Map<String, String> rename = new LinkedHashMap<>();
    GraphProto.Builder g = t.toBuilder().clearOutput().addAllOutput(h.getOutputList());
    int trunkRank = t.getOutput(0).getType().getTensorType().getShape().getDimCount();
    int headRank = h.getInput(0).getType().getTensorType().getShape().getDimCount();
    if (trunkRank > 2 && headRank == 2) {
      // A dense head on a feature map: flatten it, row-major, as the head was trained on.
      String flat = prefix + "flatten";
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Flatten")
              .setName(flat)
              .addInput(joint)
              .addOutput(flat)
              .addAttribute(
                  dev.graft.onnx.AttributeProto.newBuilder()
                      .setName("axis")
                      .setI(1)
                      .setType(dev.graft.onnx.AttributeProto.AttributeType.INT)));
      rename.put(h.getInput(0).getName(), flat);
    } else {
      rename.put(h.getInput(0).getName(), joint);
    }
    for (TensorProto init : h.getInitializerList()) {
      g.addInitializer(init.toBuilder().setName(name(init.getName(), rename, keep, prefix)));
    }
    for (NodeProto node : h.getNodeList()) {
      NodeProto.Builder n =
          node.toBuilder().clearInput().clearOutput().setName(prefix + node.getName());
      node.getInputList()
          .forEach(in -> n.addInput(in.isEmpty() ? in : name(in, rename, keep, prefix)));
      node.getOutputList().forEach(out -> n.addOutput(name(out, rename, keep, prefix)));
      g.addNode(n);
    }
    for (ValueInfoProto v : h.getValueInfoList()) {
      g.addValueInfo(v.toBuilder().setName(name(v.getName(), rename, keep, prefix)));
    }
    ModelProto.Builder model =
        trunk.toBuilder()
            .setGraph(g)
            .setIrVersion(Math.max(trunk.getIrVersion(), head.getIrVersion()));
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : trunk.getOpsetImportList()) {
      opsets.merge(o.getDomain(), o.getVersion(), Math::max);
    }
    for (OperatorSetIdProto o : head.getOpsetImportList()) {
      opsets.merge(o.getDomain(), o.getVersion(), Math::max);
    }
    model.clearOpsetImport();
    opsets.forEach(
        (domain, version) ->
            model.addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
    return model.build();
  }

  private static String name(
      String original, Map<String, String> rename, Set<String> keep, String prefix) {
    if (keep.contains(original)) {
      return original;
    }
    return rename.computeIfAbsent(original, o -> prefix + o);
  }
}
