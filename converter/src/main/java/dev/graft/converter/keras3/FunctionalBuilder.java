package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.Preprocessors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Builds a DL4J ComputationGraph from a Keras 3 Functional config whose layers branch and merge
 * (residual Add, Concatenate). Each layer is translated by {@link KerasToDl4j} on the shape of its
 * input; layers that only reshape or rescale (Flatten, Rescaling, Normalization) ride along as
 * preprocessors of the next layer, or become a preprocessor vertex where they feed a merge.
 */
final class FunctionalBuilder {
  static final List<String> MERGES =
      List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate");

  /**
   * A Keras tensor: the Keras layer that outputs it, the DL4J vertex that computes it (an earlier
   * one while preprocessors are pending), its Keras shape, and the preprocessors not yet applied.
   */
  private record Tensor(
      String layer, String vertex, long[] shape, List<InputPreProcessor> pending) {}

  private final Path file;
  private final KerasToDl4j layers;
  private final ComputationGraphConfiguration.GraphBuilder graph =
      new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
  private final Map<String, Tensor> tensors = new HashMap<>();
  private final Map<String, Consumer<org.deeplearning4j.nn.api.Layer>> loaders = new HashMap<>();

  /**
   * Preprocessor vertices made so far, by the Keras layer (Flatten, Rescaling) whose output they
   * hold.
   */
  private final Map<String, String> materialized = new HashMap<>();

  FunctionalBuilder(Path file, LayerWeights weights) {
    this.file = file;
    this.layers = new KerasToDl4j(file, weights, new long[0]).inGraph();
  }

  ComputationGraph build(FlatModel model) {
    graph.addInputs(model.inputs());
    for (int i = 0; i < model.inputs().size(); i++) {
      String input = model.inputs().get(i);
      long[] shape = model.inputShapes().get(i);
      tensors.put(input, new Tensor(input, input, shape.clone(), List.of()));
    }
    for (FlatLayer layer : model.layers()) {
      add(layer);
    }
    List<String> outs = new ArrayList<>();
    for (String output : model.outputs()) {
      String vertex = materialize(tensor(output, "the model's output"));
      if (model.inputs().contains(vertex)) {
        throw GraftException.badInput(file + ": the model has no layers");
      }
      outs.add(vertex);
    }
    graph.setOutputs(outs.toArray(String[]::new));
    ComputationGraph cg = DeclaredSizes.newGraph(file, graph.build());
    loaders.forEach((name, load) -> load.accept(cg.getLayer(name)));
    return cg;
  }

  private void add(FlatLayer layer) {
    String cls = layer.className();
    String name = layer.name();
    List<Tensor> in = new ArrayList<>();
    for (String ref : layer.inbound()) {
      in.add(tensor(ref, "layer '" + name + "'"));
    }
    if (MERGES.contains(cls)) {
      merge(layer.config(), cls, name, in);
      return;
    }
    if (in.size() != 1) {
      throw GraftException.unsupported(
          file
              + ": layer '"
              + name
              + "' of type "
              + cls
              + " takes "
              + in.size()
              + " inputs (only "
              + String.join(", ", MERGES)
              + " may take several)");
    }
    Tensor x = in.get(0);
    KerasToDl4j.Translation t = layers.translate(layer, x.shape());
    if (t.layer() == null) {
      List<InputPreProcessor> pending = new ArrayList<>(x.pending());
      pending.addAll(t.preprocessors());
      tensors.put(name, new Tensor(name, x.vertex(), t.outputShape(), pending));
      return;
    }
    InputPreProcessor pp = Preprocessors.combine(x.pending());
    if (pp == null) {
      graph.addLayer(name, t.layer(), x.vertex());
    } else {
      graph.addLayer(name, t.layer(), pp, x.vertex());
    }
    if (t.loader() != null) {
      loaders.put(name, t.loader());
    }
    tensors.put(name, new Tensor(name, name, t.outputShape(), t.preprocessors()));
  }

  private void merge(JsonNode c, String cls, String name, List<Tensor> in) {
    if (in.size() < 2) {
      throw GraftException.badInput(
          file + ": layer '" + name + "' of type " + cls + " has " + in.size() + " input");
    }
    long[] shape = in.get(0).shape();
    String[] vertices = new String[in.size()];
    for (int i = 0; i < in.size(); i++) {
      vertices[i] = materialize(in.get(i));
    }
    GraphVertex vertex;
    if (cls.equals("Concatenate")) {
      int rank = shape.length;
      int axis = c.path("axis").asInt(-1);
      if (axis != -1 && axis != rank) {
        throw GraftException.unsupported(
            file
                + ": layer '"
                + name
                + "': Concatenate over axis "
                + axis
                + " (only the last, channels axis)");
      }
      long channels = 0;
      for (Tensor t : in) {
        sameShape(name, shape, t.shape(), rank - 1);
        channels += t.shape()[rank - 1];
      }
      MergeVertex m = new MergeVertex();
      // DL4J keeps Keras's channels-last layout (NHWC) for these layers: channels are its last
      // axis.
      m.setMergeAxis(rank == 1 ? 1 : rank);
      vertex = m;
      shape = shape.clone();
      shape[rank - 1] = channels;
    } else {
      for (Tensor t : in) {
        sameShape(name, shape, t.shape(), shape.length);
      }
      vertex =
          new ElementWiseVertex(
              switch (cls) {
                case "Add" -> ElementWiseVertex.Op.Add;
                case "Subtract" -> ElementWiseVertex.Op.Subtract;
                case "Multiply" -> ElementWiseVertex.Op.Product;
                case "Average" -> ElementWiseVertex.Op.Average;
                default -> ElementWiseVertex.Op.Max;
              });
      if (cls.equals("Subtract") && in.size() != 2) {
        throw GraftException.badInput(
            file + ": layer '" + name + "': Subtract takes two inputs, not " + in.size());
      }
    }
    graph.addVertex(name, vertex, vertices);
    tensors.put(name, new Tensor(name, name, shape, List.of()));
  }

  /**
   * Compares shapes on every axis before {@code upTo} (Keras broadcasts nothing in these merges).
   */
  private void sameShape(String name, long[] a, long[] b, int upTo) {
    boolean same = a.length == b.length;
    for (int i = 0; same && i < upTo; i++) {
      same = a[i] == b[i];
    }
    if (!same) {
      throw GraftException.badInput(
          file
              + ": layer '"
              + name
              + "' merges inputs of shapes "
              + Arrays.toString(a)
              + " and "
              + Arrays.toString(b));
    }
  }

  /** The vertex holding the tensor's value with its pending preprocessors applied. */
  private String materialize(Tensor t) {
    InputPreProcessor pp = Preprocessors.combine(t.pending());
    if (pp == null) {
      return t.vertex();
    }
    return materialized.computeIfAbsent(
        t.layer(),
        name -> {
          // Named after the Keras layer, unless that name is the vertex that still owes its
          // preprocessing.
          String vertex = name.equals(t.vertex()) ? name + "_out" : name;
          graph.addVertex(vertex, new PreprocessorVertex(pp), t.vertex());
          return vertex;
        });
  }

  /** NestedModels has checked that every input is defined before its use. */
  private Tensor tensor(String layerName, String user) {
    Tensor t = tensors.get(layerName);
    if (t == null) {
      throw new IllegalStateException(user + ": no tensor " + layerName);
    }
    return t;
  }
}
