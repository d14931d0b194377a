package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.KerasInbound;
import dev.graft.converter.ModelFiles;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;

/**
 * Imports Keras 3 {@code .keras} archives: Sequential models and Functional chains as DL4J layer
 * stacks, Functional models that branch and merge as ComputationGraphs. The archive is read
 * defensively, the config is checked for anything that names Python code before it is interpreted,
 * and weights are read with a pure-Java HDF5 reader and matched to layers by position, with every
 * shape checked.
 */
public final class KerasV3Importer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasV3Importer() {}

  /**
   * What an archive declares, from its config and the weights' dimensions, after the safety checks;
   * no network is built.
   */
  public record Inspection(
      String kerasVersion, String modelClass, List<String> layerTypes, DeclaredSizes sizes) {}

  public static Inspection inspect(Path file) {
    ModelFiles.requireReadable(file);
    KerasArchive.Contents contents = KerasArchive.read(file);
    JsonNode root = parse(file, contents.config(), "config.json");
    String version =
        parse(file, contents.metadata(), "metadata.json").path("keras_version").asText("3.x");
    ConfigSafety.check(file, root);
    List<String> types = new ArrayList<>();
    root.path("config").path("layers").forEach(l -> types.add(l.path("class_name").asText()));
    try (Weights weights = new Weights(file, contents.weights())) {
      return new Inspection(
          version, root.path("class_name").asText(), types, weights.declaredSizes());
    }
  }

  public static Network importFile(Path file) {
    ModelFiles.requireReadable(file);
    String sha = ModelFiles.sha256(file);
    KerasArchive.Contents contents = KerasArchive.read(file);
    JsonNode root = parse(file, contents.config(), "config.json");
    String version =
        parse(file, contents.metadata(), "metadata.json").path("keras_version").asText("3.x");
    ConfigSafety.check(file, root);
    String modelClass = root.path("class_name").asText();
    if (!modelClass.equals("Sequential") && !modelClass.equals("Functional")) {
      throw GraftException.unsupported(
          file + ": model class " + modelClass + " is not supported (Sequential, Functional)");
    }
    JsonNode config = root.path("config");
    List<JsonNode> layers = new ArrayList<>();
    config.path("layers").forEach(layers::add);
    long[] inputShape = inputShape(file, root, layers);
    try (Weights weights = new Weights(file, contents.weights())) {
      DeclaredSizes.checkParams(file, weights.declaredSizes().values());
      Model model;
      if (modelClass.equals("Sequential") || isChain(layers)) {
        StackBuilder builder = new StackBuilder(file, weights, inputShape);
        layers.forEach(builder::add);
        model = builder.build();
      } else {
        model = new FunctionalBuilder(file, weights).build(config, inputShape);
      }
      return new Network(
          model,
          config.path("name").asText(modelClass),
          file,
          ModelFormat.KERAS_V3,
          sha,
          inputShape,
          "Keras " + version);
    }
  }

  private static JsonNode parse(Path file, String text, String entry) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw GraftException.badInput(file + ": " + entry + " is not valid JSON", e);
    }
  }

  /**
   * Whether each layer of a Functional model takes the previous one's output and nothing else (a
   * layer stack).
   */
  private static boolean isChain(List<JsonNode> layers) {
    for (int i = 1; i < layers.size(); i++) {
      JsonNode inbound = layers.get(i).path("inbound_nodes");
      String previous =
          layers
              .get(i - 1)
              .path("name")
              .asText(layers.get(i - 1).path("config").path("name").asText());
      if (inbound.size() != 1 || !KerasInbound.references(inbound).equals(List.of(previous))) {
        return false;
      }
    }
    return true;
  }

  private static long[] inputShape(Path file, JsonNode root, List<JsonNode> layers) {
    for (JsonNode layer : layers) {
      JsonNode shape =
          layer.path("config").has("batch_shape")
              ? layer.path("config").get("batch_shape")
              : layer.path("build_config").path("input_shape");
      if (shape.isArray() && shape.size() >= 2) {
        long[] dims = new long[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
          if (!shape.get(i).canConvertToLong()) {
            throw GraftException.unsupported(
                file + ": the input shape " + shape + " has unknown dimensions");
          }
          dims[i - 1] = shape.get(i).asLong();
        }
        return dims;
      }
    }
    JsonNode build = root.path("build_config").path("input_shape");
    if (build.isArray() && build.size() >= 2) {
      long[] dims = new long[build.size() - 1];
      for (int i = 1; i < build.size(); i++) {
        dims[i - 1] = build.get(i).asLong();
      }
      return dims;
    }
    throw GraftException.unsupported(file + ": the model does not declare its input shape");
  }
}
