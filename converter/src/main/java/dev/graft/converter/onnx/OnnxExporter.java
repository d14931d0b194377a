package dev.graft.converter.onnx;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.StringStringEntryProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.TensorShapeProto;
import dev.graft.onnx.TypeProto;
import dev.graft.onnx.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a DL4J network (layer stack or graph) as an ONNX model with a dynamic batch dimension: one
 * graph input "input" shaped like the source model's input and one output "output" (a model with
 * several inputs or outputs keeps their own names, in the model's order), node names from the layer
 * names, and metadata on where the model came from. Shapes inside the graph are those DL4J
 * produces, measured on a sample batch, so the ONNX model computes what DL4J computes.
 */
public final class OnnxExporter {
  public static final String INPUT = "input";
  public static final String OUTPUT = "output";
  private static final long SAMPLE_BATCH = 2;

  private OnnxExporter() {}

  public static ModelProto export(Network network, ExportOptions options) {
    if (network.masksZeroInput()) {
      throw GraftException.unsupported(
          network.label()
              + ": its input masks padding (Embedding mask_zero=True), which ONNX's recurrent"
              + " operators cannot express from the tokens alone; graft runs it in DL4J (predict),"
              + " not as ONNX");
    }
    GraphBuilder g = new GraphBuilder();
    // One input and one output keep the names "input" and "output"; several take the model's own
    // names (a Keras Functional model's input and output layers).
    List<String> inputs = onnxNames(network.inputNames(), INPUT);
    List<String> outputs = onnxNames(network.outputNames(), OUTPUT);
    inputs.forEach(g::name);
    outputs.forEach(g::name);
    List<long[]> shapes = network.inputShapes();
    INDArray[] samples = new INDArray[shapes.size()];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = Nd4j.zeros(DataType.FLOAT, Network.batchShape(shapes.get(i), SAMPLE_BATCH));
    }
    List<String> last = new ArrayList<>();
    List<long[]> outShapes = new ArrayList<>();
    if (network.model() instanceof MultiLayerNetwork mln) {
      List<INDArray> acts = mln.feedForward(samples[0], false);
      last.add(exportLayers(g, mln, acts));
      outShapes.add(acts.get(acts.size() - 1).shape());
    } else {
      ComputationGraph cg = (ComputationGraph) network.model();
      Map<String, INDArray> acts = cg.feedForward(samples, false);
      Map<String, String> tensors = exportGraph(g, cg, acts, inputs);
      for (String out : cg.getConfiguration().getNetworkOutputs()) {
        last.add(tensors.get(out));
        outShapes.add(acts.get(out).shape());
      }
    }
    g.graph().setName(network.name());
    for (int i = 0; i < inputs.size(); i++) {
      g.graph().addInput(valueInfo(inputs.get(i), samples[i].shape()));
    }
    for (int i = 0; i < outputs.size(); i++) {
      g.identityTo(outputs.get(i), last.get(i));
      g.graph().addOutput(valueInfo(outputs.get(i), outShapes.get(i)));
    }

    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(irVersion(options.opset()))
            .setProducerName("graft")
            .setProducerVersion(version())
            .setDocString(
                "Exported by graft from " + network.label() + " (" + network.producer() + ")")
            .addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
            .setGraph(g.graph());
    meta(
        model,
        "graft.source",
        network.source() == null ? network.name() : network.source().getFileName().toString());
    meta(model, "graft.source_sha256", network.sourceSha256());
    meta(model, "graft.source_producer", network.producer());
    List<String> names = options.labels().isEmpty() ? network.classNames() : options.labels();
    if (!names.isEmpty()) {
      meta(model, "graft.labels", String.join(",", names));
      // one per line: names may hold commas (labels.txt lines), never line breaks
      meta(model, dev.graft.MetadataKeys.CLASS_NAMES, String.join("\n", names));
    }
    if (network.preprocessing() != null) {
      meta(model, dev.graft.MetadataKeys.PREPROCESSING, network.preprocessing());
    }
    return model.build();
  }

  /** The tensor holding a layer's output in an exported model: the last one its nodes write. */
  public static String layerOutput(ModelProto model, String layer) {
    String tensor = null;
    for (var node : model.getGraph().getNodeList()) {
      if (node.getName().equals(layer) || node.getName().startsWith(layer + "/")) {
        tensor = node.getOutput(0);
      }
    }
    if (tensor == null) {
      throw GraftException.usage("no layer named '" + layer + "' in the model");
    }
    return tensor;
  }

  /** Exports and writes atomically: a failure leaves no file behind. */
  public static void write(Network network, Path out, ExportOptions options) {
    byte[] bytes = export(network, options).toByteArray();
    AtomicWrite.write(out, tmp -> Files.write(tmp, bytes));
  }

  private static String exportLayers(GraphBuilder g, MultiLayerNetwork mln, List<INDArray> acts) {
    String x = INPUT;
    var conf = mln.getLayerWiseConfigurations();
    for (int i = 0; i < mln.getnLayers(); i++) {
      var layer = mln.getLayer(i);
      // the configuration's layer: a wrapper's instance (LastTimeStep) reports its inner layer's
      var layerConf = conf.getConf(i).getLayer();
      String name = layerConf.getLayerName();
      name = name == null ? "layer_" + i : name;
      INDArray in = acts.get(i);
      InputPreProcessor pp = conf.getInputPreProcess(i);
      if (pp != null) {
        in = pp.preProcess(in.dup(), (int) SAMPLE_BATCH, LayerWorkspaceMgr.noWorkspaces());
        x = PreprocessorOps.apply(g, pp, x, in.shape(), name);
      }
      x =
          LayerOps.apply(
              g, layerConf, layer.paramTable(), x, in.shape(), acts.get(i + 1).shape(), name);
    }
    return x;
  }

  private static List<String> onnxNames(List<String> names, String single) {
    return names.size() == 1 ? new ArrayList<>(List.of(single)) : new ArrayList<>(names);
  }

  /** The ONNX tensor of every graph vertex, the graph's inputs bound to {@code inputs}. */
  private static Map<String, String> exportGraph(
      GraphBuilder g, ComputationGraph cg, Map<String, INDArray> acts, List<String> graphInputs) {
    ComputationGraphConfiguration conf = cg.getConfiguration();
    Map<String, String> tensor = new HashMap<>();
    for (int i = 0; i < graphInputs.size(); i++) {
      tensor.put(conf.getNetworkInputs().get(i), graphInputs.get(i));
    }
    Map<String, INDArray> values = new HashMap<>(acts);
    for (String name : cg.getConfiguration().getTopologicalOrderStr()) {
      if (tensor.containsKey(name)) {
        continue;
      }
      GraphVertex vertex = conf.getVertices().get(name);
      List<String> inputNames = conf.getVertexInputs().get(name);
      List<String> inputs = new ArrayList<>();
      for (String in : inputNames) {
        inputs.add(tensor.get(in));
      }
      long[] outShape = acts.get(name).shape();
      String y;
      if (vertex instanceof LayerVertex lv) {
        String x = single(inputs, name);
        INDArray in = values.get(inputNames.get(0));
        if (lv.getPreProcessor() != null) {
          in =
              lv.getPreProcessor()
                  .preProcess(in.dup(), (int) SAMPLE_BATCH, LayerWorkspaceMgr.noWorkspaces());
          x = PreprocessorOps.apply(g, lv.getPreProcessor(), x, in.shape(), name);
        }
        y =
            LayerOps.apply(
                g,
                lv.getLayerConf().getLayer(),
                cg.getLayer(name).paramTable(),
                x,
                in.shape(),
                outShape,
                name);
      } else if (vertex instanceof MergeVertex m) {
        y =
            g.node(
                "Concat",
                name,
                inputs.toArray(String[]::new),
                GraphBuilder.attr("axis", (long) m.getMergeAxis()));
      } else if (vertex instanceof ElementWiseVertex e) {
        y = elementWise(g, e.getOp(), inputs, name);
      } else if (vertex instanceof PreprocessorVertex p) {
        y = PreprocessorOps.apply(g, p.getPreProcessor(), single(inputs, name), outShape, name);
      } else {
        throw GraftException.unsupported(
            "graph vertex '"
                + name
                + "' of type "
                + vertex.getClass().getSimpleName()
                + " cannot be exported to ONNX (supported: layers, MergeVertex, ElementWiseVertex, PreprocessorVertex)");
      }
      tensor.put(name, y);
    }
    return tensor;
  }

  private static String elementWise(
      GraphBuilder g, ElementWiseVertex.Op op, List<String> inputs, String name) {
    String[] in = inputs.toArray(String[]::new);
    return switch (op) {
      case Add -> g.node("Sum", name, in);
      case Subtract -> g.node("Sub", name, in);
      case Product -> g.node("Mul", name, in);
      case Average -> g.node("Mean", name, in);
      case Max -> g.node("Max", name, in);
    };
  }

  private static String single(List<String> inputs, String name) {
    if (inputs.size() != 1) {
      throw GraftException.unsupported(
          "layer '" + name + "' has " + inputs.size() + " inputs; only one can be exported");
    }
    return inputs.get(0);
  }

  private static ValueInfoProto valueInfo(String name, long[] sampleShape) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (int i = 1; i < sampleShape.length; i++) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(sampleShape[i]));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  private static void meta(ModelProto.Builder model, String key, String value) {
    model.addMetadataProps(
        StringStringEntryProto.newBuilder().setKey(key).setValue(value == null ? "" : value));
  }

  static String version() {
    String v = OnnxExporter.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  /** The newest IR version of ONNX releases that define {@code opset}. */
  private static long irVersion(int opset) {
    if (opset <= 14) {
      return 7;
    }
    if (opset <= 18) {
      return 8;
    }
    return opset <= 20 ? 9 : 10;
  }
}
