package dev.graft.converter.onnx.importer;

import dev.graft.ExternalData;
import dev.graft.GraftException;
import dev.graft.converter.ModelFiles;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.TensorProto;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Imports an ONNX model (opsets 7 to 21) as a DL4J ComputationGraph of trainable layers with the
 * model's weights, in ONNX's layout (NCHW). A model with operators outside {@link
 * NodeTranslator#SUPPORTED} is refused with one message listing every such node.
 */
public final class OnnxImporter {
  public static final int MIN_OPSET = 7;
  public static final int MAX_OPSET = 21;

  private OnnxImporter() {}

  public static Network importFile(Path file) {
    ModelFiles.requireReadable(file);
    ModelProto model = ExternalData.parseChecked(file);
    return importModel(model, file, file.toString(), Map.of(), dev.graft.Sha256.hex(file));
  }

  /**
   * {@code constants}: graph inputs to treat as constants (ONNX's operator tests pass weights as
   * inputs); {@code file} null for a model without a folder (external data is then refused).
   */
  public static Network importModel(
      ModelProto model,
      Path file,
      String label,
      Map<String, TensorProto> constants,
      String sha256) {
    int opset = opset(model, label);
    checkSupported(model, label);
    try {
      OnnxGraphImporter importer =
          new OnnxGraphImporter(file, label, opset, model.getGraph(), constants);
      ComputationGraph graph = importer.run(model.getGraph());
      String name = model.getGraph().getName().isEmpty() ? "onnx" : model.getGraph().getName();
      String producer =
          "ONNX "
              + (model.getProducerName().isEmpty()
                  ? ""
                  : model.getProducerName() + " " + model.getProducerVersion() + " ")
              + "opset "
              + opset;
      return new Network(
          graph, name, file, ModelFormat.ONNX, sha256, importer.exampleShape(), producer.trim());
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException e) {
      throw GraftException.badInput(
          label
              + ": the model's graph cannot be built as a DL4J network ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")",
          e);
    }
  }

  /**
   * Supported op types of the model's nodes, and the unsupported ones with counts and node names.
   */
  public static String unsupportedNodes(ModelProto model) {
    Map<String, StringBuilder> bad = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
      String op = standard ? node.getOpType() : node.getDomain() + "." + node.getOpType();
      if (!standard || !NodeTranslator.SUPPORTED.contains(node.getOpType())) {
        counts.merge(op, 1, Integer::sum);
        StringBuilder names = bad.computeIfAbsent(op, k -> new StringBuilder());
        if (names.length() < 120) {
          names
              .append(names.length() == 0 ? "" : ", ")
              .append(node.getName().isEmpty() ? "(unnamed)" : node.getName());
        }
      }
    }
    StringBuilder out = new StringBuilder();
    counts.forEach(
        (op, n) ->
            out.append(out.length() == 0 ? "" : "; ")
                .append(op)
                .append(" x")
                .append(n)
                .append(" (")
                .append(bad.get(op))
                .append(")"));
    return out.toString();
  }

  private static void checkSupported(ModelProto model, String label) {
    String bad = unsupportedNodes(model);
    if (!bad.isEmpty()) {
      throw GraftException.unsupported(label + ": operators graft cannot import: " + bad);
    }
  }

  private static int opset(ModelProto model, String label) {
    int opset = -1;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      }
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw GraftException.unsupported(
          label
              + ": ONNX opset "
              + (opset < 0 ? "(none declared)" : opset)
              + " (supported: "
              + MIN_OPSET
              + " to "
              + MAX_OPSET
              + ")");
    }
    return opset;
  }
}
