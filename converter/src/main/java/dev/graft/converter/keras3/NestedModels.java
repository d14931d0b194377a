package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.converter.KerasInbound;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inlines the models a Keras model uses as layers (a Sequential, Functional or old tf.keras {@code
 * Model} inside another, to any depth: the shape of every Teachable Machine export and
 * keras.applications tutorial) into one {@link FlatModel}. Inner layers keep their path in their
 * name ({@code sequential_1/model1/Conv1}); a nested model's inputs are bound to the tensors its
 * caller feeds it, its outputs stand for it. Reads the configs of Keras 2 and Keras 3 alike.
 */
final class NestedModels {
  static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");

  /** Models inside models deeper than this are refused (real files nest two or three deep). */
  static final int MAX_DEPTH = 16;

  private final Path file;
  private final JsonNode root;
  private final List<FlatLayer> layers = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Map<String, long[]> inputs = new LinkedHashMap<>();

  /** Where a model being inlined sits: name prefix, weight-group prefix, enclosing layers. */
  private record Scope(
      String prefix, String groupPrefix, List<String> path, boolean trainable, int depth) {
    Scope inner(String name, String group, boolean innerTrainable) {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      return new Scope(
          prefix + name + "/", group + "/layers/", p, trainable && innerTrainable, depth + 1);
    }

    List<String> pathTo(String name) {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      return List.copyOf(p);
    }
  }

  private NestedModels(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  static FlatModel flatten(Path file, JsonNode root) {
    String cls = root.path("class_name").asText();
    if (!MODEL_CLASSES.contains(cls)) {
      throw GraftException.unsupported(
          file + ": model class " + cls + " is not supported (Sequential, Functional, Model)");
    }
    NestedModels n = new NestedModels(file, root);
    List<String> outputs =
        n.model(root, new Scope("", "", List.of(), trainable(root.path("config")), 0), null);
    JsonNode config = root.path("config");
    String name = config.isObject() ? config.path("name").asText(cls) : cls;
    List<String> inputNames = new ArrayList<>(n.inputs.keySet());
    if (cls.equals("Functional") || cls.equals("Model")) {
      // The model's inputs in the order its config lists them, not the order layers define them.
      List<String> declared = KerasInbound.references(config.path("input_layers"));
      if (declared.size() == inputNames.size() && inputNames.containsAll(declared)) {
        inputNames = declared;
      }
    }
    List<long[]> shapes = new ArrayList<>();
    inputNames.forEach(i -> shapes.add(n.inputs.get(i)));
    return new FlatModel(name, cls, List.copyOf(n.layers), inputNames, shapes, outputs);
  }

  /**
   * Inlines one model. {@code bound}: the flat tensors fed to its inputs, or null for the top-level
   * model, whose inputs become the flat model's. Returns its output tensors.
   */
  private List<String> model(JsonNode node, Scope scope, List<String> bound) {
    if (scope.depth() > MAX_DEPTH) {
      throw GraftException.unsupported(
          file + ": models nested more than " + MAX_DEPTH + " deep at " + scope.prefix());
    }
    JsonNode config = node.path("config");
    return node.path("class_name").asText().equals("Sequential")
        ? sequential(config, scope, bound)
        : functional(config, scope, bound);
  }

  private List<String> sequential(JsonNode config, Scope scope, List<String> bound) {
    // Keras 1 and early Keras 2 wrote a Sequential's config as the bare list of its layers.
    JsonNode list = config.isArray() ? config : config.path("layers");
    if (bound != null && bound.size() != 1) {
      throw GraftException.unsupported(
          file + ": the Sequential " + scope.prefix() + " is fed " + bound.size() + " tensors");
    }
    String current = bound == null ? null : bound.get(0);
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode layer : list) {
      String cls = layer.path("class_name").asText();
      String name = layerName(layer);
      String group = scope.groupPrefix() + KerasV3Writer.groupName(cls, counts);
      if (cls.equals("InputLayer")) {
        if (current == null) {
          current = declareInput(scope.prefix() + name, inputShape(layer.path("config"), name));
        }
        continue;
      }
      if (current == null) {
        // No InputLayer: the first layer (or the model it is) declares the input's shape.
        current = declareInput(scope.prefix() + name + "_input", firstDeclaredShape(layer, name));
      }
      current = single(add(layer, cls, name, group, scope, List.of(current)), name);
    }
    if (current == null) {
      throw GraftException.badInput(file + ": the model " + scope.prefix() + " has no layers");
    }
    return List.of(current);
  }

  private List<String> functional(JsonNode config, Scope scope, List<String> bound) {
    List<String> inputLayers = KerasInbound.references(config.path("input_layers"));
    if (bound != null && bound.size() != inputLayers.size()) {
      throw GraftException.badInput(
          file
              + ": the model "
              + scope.prefix()
              + " has "
              + inputLayers.size()
              + " inputs but is fed "
              + bound.size());
    }
    Map<String, String> local = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode layer : config.path("layers")) {
      String cls = layer.path("class_name").asText();
      String name = layerName(layer);
      String group = scope.groupPrefix() + KerasV3Writer.groupName(cls, counts);
      if (local.containsKey(name)) {
        throw GraftException.badInput(
            file + ": two layers are named '" + scope.prefix() + name + "'");
      }
      if (cls.equals("InputLayer")) {
        int at = inputLayers.indexOf(name);
        if (at < 0) {
          throw GraftException.unsupported(
              file
                  + ": input layer '"
                  + scope.prefix()
                  + name
                  + "' is not one of the model's inputs");
        }
        local.put(
            name,
            bound == null
                ? declareInput(scope.prefix() + name, inputShape(layer.path("config"), name))
                : bound.get(at));
        continue;
      }
      JsonNode inbound = layer.path("inbound_nodes");
      if (inbound.size() != 1) {
        throw GraftException.unsupported(
            file
                + ": layer '"
                + scope.prefix()
                + name
                + "' is called "
                + inbound.size()
                + " times (layers shared between calls are not supported)");
      }
      List<String> in = new ArrayList<>();
      for (String ref : KerasInbound.references(inbound)) {
        in.add(resolve(local, ref, "layer '" + scope.prefix() + name + "'"));
      }
      if (in.isEmpty()) {
        throw GraftException.badInput(
            file + ": layer '" + scope.prefix() + name + "' has no inputs");
      }
      local.put(name, single(add(layer, cls, name, group, scope, in), name));
    }
    List<String> outputs = new ArrayList<>();
    for (String ref : KerasInbound.references(config.path("output_layers"))) {
      outputs.add(resolve(local, ref, "the output of model " + scope.prefix()));
    }
    if (outputs.isEmpty()) {
      throw GraftException.badInput(file + ": the model " + scope.prefix() + " names no outputs");
    }
    return outputs;
  }

  /** Adds a layer, or inlines the model it is; returns its output tensors. */
  private List<String> add(
      JsonNode layer, String cls, String name, String group, Scope scope, List<String> in) {
    JsonNode config = layer.path("config");
    if (MODEL_CLASSES.contains(cls)) {
      return model(layer, scope.inner(name, group, trainable(config)), in);
    }
    String flat = scope.prefix() + name;
    if (!names.add(flat) || inputs.containsKey(flat)) {
      throw GraftException.badInput(file + ": two layers are named '" + flat + "'");
    }
    layers.add(
        new FlatLayer(
            flat,
            cls,
            config,
            List.copyOf(in),
            group,
            scope.pathTo(name),
            scope.trainable() && trainable(config)));
    return List.of(flat);
  }

  private String declareInput(String name, long[] shape) {
    if (inputs.containsKey(name) || names.contains(name)) {
      throw GraftException.badInput(file + ": two layers are named '" + name + "'");
    }
    inputs.put(name, shape);
    return name;
  }

  private String single(List<String> outputs, String name) {
    if (outputs.size() != 1) {
      throw GraftException.unsupported(
          file
              + ": the nested model '"
              + name
              + "' has "
              + outputs.size()
              + " outputs (a nested model with one output is supported)");
    }
    return outputs.get(0);
  }

  private String resolve(Map<String, String> local, String ref, String user) {
    String t = local.get(ref);
    if (t == null) {
      throw GraftException.badInput(
          file
              + ": "
              + user
              + " takes its input from '"
              + ref
              + "', which is not a layer defined before it");
    }
    return t;
  }

  private static String layerName(JsonNode layer) {
    return layer
        .path("name")
        .asText(layer.path("config").path("name").asText(layer.path("class_name").asText()));
  }

  private static boolean trainable(JsonNode config) {
    return !config.isObject() || config.path("trainable").asBoolean(true);
  }

  /** The shape a layer or nested model declares for its input, searching into nested models. */
  private long[] firstDeclaredShape(JsonNode layer, String name) {
    JsonNode node = layer;
    for (int depth = 0; depth <= MAX_DEPTH && node != null; depth++) {
      JsonNode c = node.path("config");
      if (c.has("batch_shape") || c.has("batch_input_shape")) {
        return inputShape(c, name);
      }
      JsonNode inner = c.isArray() ? c : c.path("layers");
      node = inner.isArray() && inner.size() > 0 ? inner.get(0) : null;
    }
    JsonNode build = root.path("build_config").path("input_shape");
    if (build.isArray() && build.size() >= 2) {
      return dims(build, name);
    }
    throw GraftException.unsupported(file + ": the model does not declare its input shape");
  }

  private long[] inputShape(JsonNode config, String name) {
    JsonNode shape =
        config.has("batch_shape") ? config.get("batch_shape") : config.path("batch_input_shape");
    if (!shape.isArray() || shape.size() < 2) {
      JsonNode build = root.path("build_config").path("input_shape");
      if (build.isArray() && build.size() >= 2) {
        return dims(build, name);
      }
      throw GraftException.unsupported(
          file + ": input '" + name + "' does not declare its shape (" + shape + ")");
    }
    return dims(shape, name);
  }

  private long[] dims(JsonNode shape, String name) {
    long[] dims = new long[shape.size() - 1];
    for (int i = 1; i < shape.size(); i++) {
      if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 1) {
        throw GraftException.unsupported(
            file + ": input '" + name + "' has the shape " + shape + " with unknown dimensions");
      }
      dims[i - 1] = shape.get(i).asLong();
    }
    return dims;
  }
}
