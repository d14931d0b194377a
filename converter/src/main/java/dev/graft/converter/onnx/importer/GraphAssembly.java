package dev.graft.converter.onnx.importer;

import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.Preprocessors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The vertices of the graph being imported, kept as plain specs until the end so that later nodes
 * can still change them (an activation or a bias folded into the layer before it); then the DL4J
 * ComputationGraph, with every layer's parameters set and their shapes checked.
 */
final class GraphAssembly {
  /** One vertex: a layer (with its parameters by DL4J name) or another graph vertex. */
  static final class Spec {
    final String name;
    final Layer layer;
    final GraphVertex vertex;
    final InputPreProcessor preprocessor;
    final String[] inputs;
    final Map<String, INDArray> params = new LinkedHashMap<>();

    Spec(
        String name,
        Layer layer,
        GraphVertex vertex,
        InputPreProcessor preprocessor,
        String[] inputs) {
      this.name = name;
      this.layer = layer;
      this.vertex = vertex;
      this.preprocessor = preprocessor;
      this.inputs = inputs;
    }
  }

  private final String input;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, Integer> used = new HashMap<>();

  GraphAssembly(String input) {
    this.input = input;
    used.put(input, 1);
  }

  /** A vertex name not taken yet, from the ONNX node's name (or its op type when it has none). */
  String name(String wanted) {
    String base = wanted == null || wanted.isBlank() ? "node" : wanted.replace('/', '_');
    int n = used.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "_" + n;
  }

  Spec layer(String name, Layer layer, List<InputPreProcessor> pending, String... inputs) {
    layer.setLayerName(name);
    Spec s = new Spec(name, layer, null, Preprocessors.combine(pending), inputs);
    specs.put(name, s);
    return s;
  }

  Spec vertex(String name, GraphVertex vertex, String... inputs) {
    Spec s = new Spec(name, null, vertex, null, inputs);
    specs.put(name, s);
    return s;
  }

  Spec spec(String name) {
    return specs.get(name);
  }

  /**
   * The layer that computes {@code t} when a following activation or bias can be folded into it:
   * {@code t} is its plain output (no reshape pending) and its activation is still the identity.
   * The caller also checks that nothing else reads {@code t}.
   */
  Spec foldableProducer(Value.Tensor t) {
    Spec s = specs.get(t.vertex());
    boolean plain =
        s != null
            && t.pending().isEmpty()
            && s.layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b
            && b.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity;
    return plain ? s : null;
  }

  /** The vertex holding {@code t} with its pending reshapes applied. */
  String materialize(Value.Tensor t) {
    InputPreProcessor pp = Preprocessors.combine(t.pending());
    if (pp == null) {
      return t.vertex();
    }
    String name = name(t.vertex() + "_reshaped");
    vertex(name, new PreprocessorVertex(pp), t.vertex());
    return name;
  }

  ComputationGraph build(Path file, String output) {
    ComputationGraphConfiguration.GraphBuilder g =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.FLOAT)
            .graphBuilder()
            .addInputs(input);
    for (Spec s : specs.values()) {
      if (s.layer != null) {
        if (s.preprocessor == null) {
          g.addLayer(s.name, s.layer, s.inputs);
        } else {
          g.addLayer(s.name, s.layer, s.preprocessor, s.inputs);
        }
      } else {
        g.addVertex(s.name, s.vertex, s.inputs);
      }
    }
    g.setOutputs(output);
    ComputationGraph cg = DeclaredSizes.newGraph(file, g.build());
    List<String> problems = new ArrayList<>();
    for (Spec s : specs.values()) {
      for (Map.Entry<String, INDArray> p : s.params.entrySet()) {
        INDArray target = cg.getLayer(s.name).getParam(p.getKey());
        if (target.length() != p.getValue().length()) {
          problems.add(s.name + "." + p.getKey());
          continue;
        }
        cg.getLayer(s.name)
            .setParam(p.getKey(), p.getValue().castTo(DataType.FLOAT).reshape('c', target.shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("parameter sizes differ for " + problems);
    }
    return cg;
  }
}
