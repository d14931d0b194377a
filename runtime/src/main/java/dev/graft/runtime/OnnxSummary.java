package dev.graft.runtime;

import dev.graft.ExternalData;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.TensorShapeProto;
import dev.graft.onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an ONNX file holds, read without running it: inputs, outputs, operators, parameters, cut
 * points.
 */
public record OnnxSummary(
    String producer,
    long irVersion,
    Map<String, Long> opsets,
    List<String> inputs,
    List<String> outputs,
    Map<String, Integer> opCounts,
    long parameters,
    List<String> cutPoints,
    Map<String, String> metadata,
    List<String> externalData) {

  public static ModelProto parse(Path file) {
    return dev.graft.ExternalData.parse(file);
  }

  public static OnnxSummary of(ModelProto m) {
    Map<String, Long> opsets = new TreeMap<>();
    m.getOpsetImportList()
        .forEach(
            o -> opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion()));
    Map<String, Integer> ops = new TreeMap<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      ops.merge(
          n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType(),
          1,
          Integer::sum);
    }
    long params = 0;
    for (TensorProto t : m.getGraph().getInitializerList()) {
      int type = t.getDataType();
      if (type != TensorProto.DataType.FLOAT_VALUE
          && type != TensorProto.DataType.DOUBLE_VALUE
          && type != TensorProto.DataType.FLOAT16_VALUE
          && type != TensorProto.DataType.BFLOAT16_VALUE) {
        continue; // shapes, axes and indices are not parameters
      }
      long count = 1;
      for (long d : t.getDimsList()) {
        count *= d;
      }
      params += count;
    }
    Map<String, String> meta = new TreeMap<>();
    m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    List<String> cuts;
    try {
      cuts = GraphCut.cutPoints(m);
    } catch (RuntimeException e) {
      cuts = List.of();
    }
    String producer = (m.getProducerName() + " " + m.getProducerVersion()).strip();
    return new OnnxSummary(
        producer,
        m.getIrVersion(),
        opsets,
        describe(m.getGraph().getInputList(), m),
        describe(m.getGraph().getOutputList(), m),
        ops,
        params,
        cuts,
        meta,
        ExternalData.locations(m));
  }

  private static List<String> describe(List<ValueInfoProto> values, ModelProto m) {
    List<String> initializers =
        m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
    List<String> out = new ArrayList<>();
    for (ValueInfoProto v : values) {
      if (initializers.contains(v.getName())) {
        continue;
      }
      var t = v.getType().getTensorType();
      List<String> dims = new ArrayList<>();
      for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
        dims.add(
            d.hasDimValue()
                ? Long.toString(d.getDimValue())
                : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
      }
      String type =
          TensorProto.DataType.forNumber(t.getElemType()) == null
              ? "?"
              : TensorProto.DataType.forNumber(t.getElemType()).name();
      out.add(v.getName() + " " + type + "[" + String.join(", ", dims) + "]");
    }
    return out;
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("producer: ")
        .append(producer.isEmpty() ? "(not recorded)" : producer)
        .append(", IR version ")
        .append(irVersion)
        .append(", opsets ")
        .append(opsets)
        .append('\n');
    sb.append("inputs:  ").append(String.join("; ", inputs)).append('\n');
    sb.append("outputs: ").append(String.join("; ", outputs)).append('\n');
    sb.append(String.format("parameters: %,d%n", parameters));
    sb.append("operators:");
    opCounts.forEach((op, n) -> sb.append(' ').append(op).append(" x").append(n));
    sb.append('\n');
    sb.append("cut points (for finetune --cut): ")
        .append(cutPoints.isEmpty() ? "none" : String.join(", ", cutPoints))
        .append('\n');
    if (!externalData.isEmpty()) {
      sb.append("external data files: ").append(String.join(", ", externalData)).append('\n');
    }
    // one line per key: class names are stored one per line
    metadata.forEach(
        (k, v) ->
            sb.append("metadata ")
                .append(k)
                .append(": ")
                .append(v.replace("\n", ", "))
                .append('\n'));
    return sb.toString();
  }
}
