package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.KerasH5File;
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

  /** Imports a {@code .keras} archive. */
  public static Network importFile(Path file) {
    ModelFiles.requireReadable(file);
    String sha = dev.graft.Sha256.hex(file);
    KerasArchive.Contents contents = KerasArchive.read(file);
    JsonNode root = parse(file, contents.config(), "config.json");
    String version =
        parse(file, contents.metadata(), "metadata.json").path("keras_version").asText("3.x");
    ConfigSafety.check(file, root);
    try (Weights weights = new Weights(file, contents.weights())) {
      DeclaredSizes.checkParams(file, weights.declaredSizes().values());
      return build(file, root, weights, sha, ModelFormat.KERAS_V3, "Keras " + version);
    }
  }

  /**
   * Imports a legacy HDF5 model file through the same layer mapping as archives: Keras 3's {@code
   * model.save("x.h5")}, and Keras 2 files that nest models (which DL4J's importer refuses). The
   * caller has read the file's config and version.
   */
  public static Network importH5(Path file, KerasH5File h5, String modelConfig, String producer) {
    String sha = dev.graft.Sha256.hex(file);
    JsonNode root = parse(file, modelConfig, "model_config");
    ConfigSafety.checkLegacy(file, root);
    return build(file, root, new H5Weights(h5), sha, ModelFormat.KERAS_H5, producer);
  }

  /** Whether a model config uses a model as one of its layers, at any depth. */
  public static boolean nestsModels(String modelConfig) {
    return layerClasses(modelConfig).stream().anyMatch(NestedModels.MODEL_CLASSES::contains);
  }

  /**
   * Whether graft's mapping reads every layer class of this config's top-level layer list (a Keras
   * 2 file DL4J's importer cannot read goes through it then, as Keras 3 files do).
   */
  public static boolean mapsEveryLayer(String modelConfig) {
    List<String> classes = layerClasses(modelConfig);
    return !classes.isEmpty()
        && classes.stream()
            .allMatch(
                c ->
                    LayerCodecs.forKeras(c) != null
                        || FunctionalBuilder.MERGES.contains(c)
                        || NestedModels.MODEL_CLASSES.contains(c));
  }

  /** How many inputs and outputs a Functional config declares together (2 for one of each). */
  public static int inputsAndOutputs(String modelConfig) {
    try {
      JsonNode config = JSON.readTree(modelConfig).path("config");
      return Math.max(1, count(config.path("input_layers")))
          + Math.max(1, count(config.path("output_layers")));
    } catch (Exception e) {
      return 2;
    }
  }

  /** Keras 2 lists [[name, 0, 0], ...]; Keras 3 a single [name, 0, 0] for one tensor. */
  private static int count(JsonNode refs) {
    if (!refs.isArray() || refs.isEmpty()) {
      return 0;
    }
    return refs.get(0).isArray() ? refs.size() : 1;
  }

  /** Whether a model config has an Embedding with mask_zero=True among its top-level layers. */
  public static boolean masksZero(String modelConfig) {
    try {
      JsonNode config = JSON.readTree(modelConfig).path("config");
      JsonNode layers = config.isArray() ? config : config.path("layers");
      for (JsonNode layer : layers) {
        if (layer.path("config").path("mask_zero").asBoolean(false)) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The class names of a model config's top-level layers and of the layers they wrap; empty when it
   * does not parse.
   */
  public static List<String> layerClasses(String modelConfig) {
    try {
      JsonNode config = JSON.readTree(modelConfig).path("config");
      JsonNode layers = config.isArray() ? config : config.path("layers");
      List<String> classes = new ArrayList<>();
      for (JsonNode layer : layers) {
        classes.add(layer.path("class_name").asText());
        // a wrapper's layer (Bidirectional(GRU)) counts too
        JsonNode inner = layer.path("config").path("layer");
        if (inner.isObject()) {
          classes.add(inner.path("class_name").asText());
        }
      }
      return classes;
    } catch (Exception e) {
      return List.of();
    }
  }

  private static Network build(
      Path file,
      JsonNode root,
      LayerWeights weights,
      String sha,
      ModelFormat format,
      String producer) {
    FlatModel flat = NestedModels.flatten(file, root);
    Model model;
    boolean maskZero = false;
    if (flat.isChain() && flat.inputs().size() == 1 && flat.outputs().size() == 1) {
      KerasToDl4j builder = new KerasToDl4j(file, weights, flat.inputShapes().get(0));
      flat.layers().forEach(builder::add);
      model = builder.build();
      maskZero = builder.masksZeroInput();
    } else {
      model = new FunctionalBuilder(file, weights).build(flat);
    }
    return new Network(model, flat.name(), file, format, sha, flat.inputShapes(), producer)
        .withMaskZeroInput(maskZero);
  }

  private static JsonNode parse(Path file, String text, String entry) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw GraftException.badInput(file + ": " + entry + " is not valid JSON", e);
    }
  }
}
