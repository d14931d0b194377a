package dev.graft.converter.keras2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.Errors;
import dev.graft.converter.KerasH5File;
import dev.graft.converter.KerasInbound;
import dev.graft.converter.ModelFiles;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.keras3.KerasV3Importer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.KerasSequentialModel;
import org.deeplearning4j.nn.modelimport.keras.config.Keras2LayerConfiguration;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelUtils;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Imports Keras 1, 2 and tf.keras 2.x HDF5 model files: the file is read by jHDF (pure Java), the
 * layers are mapped by DL4J's Keras importer, dispatching on the model class in the file. Every
 * failure becomes a {@link GraftException} that names the file, and the layer where one is to
 * blame.
 */
public final class KerasH5Importer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Layer types that only carry the model's input, never passed to DL4J as layers. */
  private static final Set<String> SEQUENTIAL_CLASSES = Set.of("Sequential");

  private static final Set<String> FUNCTIONAL_CLASSES = Set.of("Model", "Functional");

  /** Keras layer types DL4J 1.0.0-M2.1 lists but cannot import. */
  private static final Set<String> KNOWN_UNSUPPORTED =
      Set.of("LocallyConnected2D", "LocallyConnected1D");

  /** Keras layer types DL4J 1.0.0-M2.1 lists but fails on (its own test suite's files). */
  private static final Set<String> DL4J_BROKEN = Set.of("DepthwiseConv2D", "Conv2DTranspose");

  private KerasH5Importer() {}

  /** What the file says about itself, read before any import is attempted. */
  record KerasConfig(
      String modelClass,
      String kerasVersion,
      String backend,
      String name,
      Map<String, String> layerTypes,
      List<String> unsupportedActivations,
      long[] inputShape) {}

  /**
   * The activation names DL4J 1.0.0-M2.1's KerasActivationUtils maps. Anything else (a name DL4J
   * asks users to report, or an object naming a Python function) is refused by name, up front.
   */
  private static final Set<String> DL4J_ACTIVATIONS =
      Set.of(
          "linear",
          "relu",
          "relu6",
          "elu",
          "selu",
          "tanh",
          "sigmoid",
          "hard_sigmoid",
          "softmax",
          "softplus",
          "softsign",
          "swish");

  public static Network importFile(Path file) {
    ModelFiles.requireReadable(file);
    if (ModelFormat.detect(file) != ModelFormat.KERAS_H5) {
      throw GraftException.badInput(file + ": not an HDF5 file, so not a Keras .h5 model");
    }
    String sha = dev.graft.Sha256.hex(file);
    Model model;
    KerasConfig config;
    try (KerasH5File h5 = new KerasH5File(file)) {
      String json = requireConfig(file, h5);
      String version = h5.attribute("keras_version");
      String backend = h5.attribute("backend");
      if (graftMapped(version, json)) {
        // Keras 3's legacy HDF5 uses Keras 3's configs and weight naming; DL4J's importer refuses
        // models used as layers. Both go through graft's own Keras layer mapping.
        refuseSubclassed(file, json, version);
        return KerasV3Importer.importH5(
            file,
            h5,
            json,
            "Keras "
                + (version == null ? "?" : version.trim())
                + (backend == null || backend.isBlank() ? "" : " (" + backend.trim() + ")"));
      }
      config = readConfig(file, h5);
      checkLayerTypes(file, config);
      model = importModel(file, config, withVersion(h5.attribute("model_config"), config), h5);
    }
    String producer =
        "Keras "
            + config.kerasVersion()
            + (config.backend().isEmpty() ? "" : " (" + config.backend() + ")");
    return new Network(
        model, config.name(), file, ModelFormat.KERAS_H5, sha, config.inputShape(), producer);
  }

  static KerasConfig readConfig(Path file) {
    try (KerasH5File h5 = new KerasH5File(file)) {
      return readConfig(file, h5);
    }
  }

  /**
   * Whether a file goes through graft's own Keras layer mapping rather than DL4J's importer: Keras
   * 3's legacy HDF5 (its configs and weight naming are Keras 3's), models that use models as layers
   * (DL4J's importer refuses them), and Keras 2 models with a layer DL4J cannot import (GRU) or
   * imports wrongly (DepthwiseConv2D, Conv2DTranspose, several inputs or outputs, mask_zero) when
   * graft's mapping reads all of their layers.
   */
  static boolean graftMapped(String version, String modelConfig) {
    boolean keras3 = version != null && version.trim().matches("3(\\..*)?");
    if (keras3 || KerasV3Importer.nestsModels(modelConfig)) {
      return true;
    }
    if (KerasV3Importer.inputsAndOutputs(modelConfig) > 2
        || KerasV3Importer.masksZero(modelConfig)) {
      // DL4J's importer mis-sizes layers of models with several inputs or outputs, and masks
      // only in some cases (its own warning says so)
      return KerasV3Importer.mapsEveryLayer(modelConfig);
    }
    Set<String> dl4j = supportedLayerTypes();
    boolean dl4jLacksOne =
        KerasV3Importer.layerClasses(modelConfig).stream()
            .anyMatch(c -> !dl4j.contains(c) || DL4J_BROKEN.contains(c));
    return dl4jLacksOne && KerasV3Importer.mapsEveryLayer(modelConfig);
  }

  /** Whether the file goes through graft's own Keras layer mapping (see above). */
  static boolean graftMapped(Path file) {
    try (KerasH5File h5 = new KerasH5File(file)) {
      String json = h5.attribute("model_config");
      return json != null && graftMapped(h5.attribute("keras_version"), json);
    }
  }

  private static String requireConfig(Path file, KerasH5File h5) {
    String json = h5.attribute("model_config");
    if (json == null) {
      throw GraftException.badInput(
          file
              + ": "
              + (h5.hasRootGroup("layers") || h5.hasRootGroup("model_weights")
                  ? "a weights-only file (written by save_weights): it holds weights but no"
                      + " architecture; load it into its model in Keras (model.load_weights) and"
                      + " save the whole model with model.save(\"model.keras\")"
                  : "an HDF5 file without a Keras model_config: not a Keras model"));
    }
    return json;
  }

  /** A subclassed model's config names its Python class and lists no layers to rebuild. */
  private static void refuseSubclassed(Path file, String json, String version) {
    try {
      JsonNode root = JSON.readTree(json);
      String cls = root.path("class_name").asText("");
      if (!SEQUENTIAL_CLASSES.contains(cls) && !FUNCTIONAL_CLASSES.contains(cls)) {
        throw GraftException.unsupported(
            file
                + ": a subclassed Keras model (class "
                + cls
                + ") saved to .h5 by Keras "
                + version
                + ": its architecture is Python code the file does not hold, so it has no layer"
                + " list to import; rebuild it in Keras as a Sequential or Functional model and save"
                + " that with model.save(\"model.keras\")");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw GraftException.badInput(file + ": the Keras model_config is not valid JSON", e);
    }
  }

  private static KerasConfig readConfig(Path file, KerasH5File h5) {
    String json = requireConfig(file, h5);
    String version = h5.attribute("keras_version");
    String backend = h5.attribute("backend");
    return parseConfig(
        file,
        json,
        version == null ? "1.x" : version.trim(),
        backend == null ? "" : backend.trim());
  }

  static KerasConfig parseConfig(Path file, String json, String version, String backend) {
    try {
      JsonNode root = JSON.readTree(json);
      String modelClass = root.path("class_name").asText("");
      JsonNode cfg = root.path("config");
      // Keras 1 and early Keras 2 Sequential configs are a bare list of layers.
      JsonNode layers = cfg.isArray() ? cfg : cfg.path("layers");
      String name = cfg.isObject() ? cfg.path("name").asText(modelClass) : modelClass;
      Map<String, String> types = new LinkedHashMap<>();
      List<String> activations = new ArrayList<>();
      long[] inputShape = null;
      for (JsonNode layer : layers) {
        JsonNode lc = layer.path("config");
        String layerName = lc.path("name").asText("?");
        unsupportedActivations(layerName, lc, activations);
        unsupportedActivations(layerName, lc.path("layer").path("config"), activations);
        if (layer.has("name") && !layer.path("name").asText().equals(layerName)) {
          throw GraftException.badInput(
              file
                  + ": layer '"
                  + layer.path("name").asText()
                  + "' calls itself '"
                  + layerName
                  + "' in its config");
        }
        // DL4J's importer loops forever on a reference to a layer that does not exist or comes
        // later (found by fuzzing): every inbound reference must name a layer defined above.
        for (String ref : KerasInbound.references(layer.path("inbound_nodes"))) {
          if (!types.containsKey(ref)) {
            throw GraftException.badInput(
                file
                    + ": layer '"
                    + layerName
                    + "' takes its input from '"
                    + ref
                    + "', which is not a layer defined before it");
          }
        }
        if (types.put(layerName, layer.path("class_name").asText("?")) != null) {
          throw GraftException.badInput(file + ": two layers are named '" + layerName + "'");
        }
        if (inputShape == null) {
          inputShape = inputShapeOf(lc);
        }
      }
      if (!SEQUENTIAL_CLASSES.contains(modelClass) && !FUNCTIONAL_CLASSES.contains(modelClass)) {
        throw GraftException.unsupported(
            file
                + ": model class '"
                + modelClass
                + "' is not supported "
                + "(supported: Sequential, Model, Functional)");
      }
      if (types.isEmpty()) {
        throw GraftException.badInput(file + ": the Keras model_config has no layers");
      }
      if (inputShape == null) {
        throw GraftException.unsupported(
            file
                + ": the model does not declare its input shape "
                + "(a Sequential model built without input_shape cannot be imported)");
      }
      return new KerasConfig(modelClass, version, backend, name, types, activations, inputShape);
    } catch (GraftException e) {
      throw e;
    } catch (Exception e) {
      throw GraftException.badInput(
          file + ": the Keras model_config is not valid JSON (" + Errors.describe(e) + ")", e);
    }
  }

  private static void unsupportedActivations(String layer, JsonNode config, List<String> out) {
    for (String key : List.of("activation", "recurrent_activation")) {
      JsonNode value = config.get(key);
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isTextual()) {
        out.add(
            "'"
                + layer
                + "' "
                + key
                + " is an object ("
                + Errors.abbreviate(value.toString(), 80)
                + "): a custom function whose code is not in the file");
      } else if (!DL4J_ACTIVATIONS.contains(value.asText())) {
        out.add("'" + layer + "' " + key + " '" + Errors.abbreviate(value.asText(), 80) + "'");
      }
    }
  }

  private static long[] inputShapeOf(JsonNode layerConfig) {
    JsonNode shape =
        layerConfig.has("batch_input_shape")
            ? layerConfig.get("batch_input_shape")
            : layerConfig.get("batch_shape");
    if (shape == null || !shape.isArray() || shape.size() < 2) {
      return null;
    }
    long[] dims = new long[shape.size() - 1];
    for (int i = 1; i < shape.size(); i++) {
      if (!shape.get(i).canConvertToLong()) {
        return null;
      }
      dims[i - 1] = shape.get(i).asLong();
    }
    return dims;
  }

  static void checkLayerTypes(Path file, KerasConfig config) {
    // A Lambda layer's config carries marshalled Python bytecode (CVE-2024-3660), and Keras's
    // safe_mode does not apply to HDF5 files (CVE-2025-9905): graft refuses it, always.
    config
        .layerTypes()
        .forEach(
            (name, type) -> {
              if (type.equals("Lambda")
                  || type.equals("TFOpLambda")
                  || type.equals("SlicingOpLambda")) {
                throw GraftException.unsupported(
                    file
                        + ": refused: "
                        + type
                        + " layer '"
                        + name
                        + "' holds Python code, which graft never runs");
              }
            });
    if (!config.unsupportedActivations().isEmpty()) {
      throw GraftException.unsupported(
          file
              + ": unsupported activation: "
              + String.join(", ", config.unsupportedActivations())
              + "; supported: "
              + String.join(", ", new TreeSet<>(DL4J_ACTIVATIONS)));
    }
    Set<String> supported = supportedLayerTypes();
    List<String> bad = new ArrayList<>();
    config
        .layerTypes()
        .forEach(
            (name, type) -> {
              if (!supported.contains(type) || KNOWN_UNSUPPORTED.contains(type)) {
                bad.add("'" + name + "' of type " + type);
              }
            });
    if (!bad.isEmpty()) {
      throw GraftException.unsupported(
          file
              + ": unsupported Keras layer "
              + String.join(", ", bad)
              + "; supported layer types: "
              + String.join(", ", supported));
    }
  }

  /** The Keras layer class names DL4J's importer maps, read from its own configuration. */
  public static Set<String> supportedLayerTypes() {
    Set<String> names = new TreeSet<>();
    Keras2LayerConfiguration conf = new Keras2LayerConfiguration();
    for (var method : conf.getClass().getMethods()) {
      if (method.getName().startsWith("getLAYER_CLASS_NAME_") && method.getParameterCount() == 0) {
        try {
          names.add(String.valueOf(method.invoke(conf)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    names.add("Functional");
    names.removeAll(KNOWN_UNSUPPORTED);
    return names;
  }

  /**
   * DL4J's Keras layer mapping, fed the config as JSON and the weights as arrays read by jHDF: the
   * native HDF5 library is never touched.
   */
  private static Model importModel(Path file, KerasConfig config, String json, KerasH5File h5) {
    try {
      KerasModel keras;
      Model model;
      var builder = new KerasModel().modelBuilder().modelJson(json).enforceTrainingConfig(false);
      // Count the parameters the configuration asks for before allocating any: a file that
      // declares a 100 GB layer is refused, not allowed to exhaust memory.
      if (SEQUENTIAL_CLASSES.contains(config.modelClass())) {
        KerasSequentialModel seq = builder.buildSequential();
        keras = seq;
        KerasDropoutRates.apply(seq.getLayersOrdered());
        var conf = seq.getMultiLayerConfiguration();
        long params = 0;
        for (var c : conf.getConfs()) {
          params += c.getLayer().initializer().numParams(c);
        }
        DeclaredSizes.checkParams(file, params);
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        net.init(placeholderParams(params), false);
        model = net;
      } else {
        keras = builder.buildModel();
        KerasDropoutRates.apply(keras.getLayersOrdered());
        var conf = keras.getComputationGraphConfiguration();
        long params = 0;
        for (var v : conf.getVertices().values()) {
          params += v.numParams(false);
        }
        DeclaredSizes.checkParams(file, params);
        var cg = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        cg.init(placeholderParams(params), false);
        model = cg;
      }
      Map<String, Long> fileCounts = new java.util.HashMap<>();
      for (KerasLayer layer : keras.getLayersOrdered()) {
        if (layer.getNumParams() > 0) {
          Map<String, INDArray> weights = h5.weights(layer.getLayerName());
          if (weights.isEmpty()) {
            throw GraftException.badInput(
                file + ": layer '" + layer.getLayerName() + "' has no weights in the file");
          }
          fileCounts.put(
              layer.getLayerName(), weights.values().stream().mapToLong(INDArray::length).sum());
          layer.setWeights(weights);
        }
      }
      Model withWeights = KerasModelUtils.copyWeightsToModel(model, keras.getLayers());
      checkSizes(file, withWeights, fileCounts);
      return withWeights;
    } catch (GraftException e) {
      throw e;
    } catch (UnsupportedKerasConfigurationException e) {
      throw GraftException.unsupported(file + ": " + Errors.describe(e) + blame(config, e));
    } catch (InvalidKerasConfigurationException e) {
      throw GraftException.badInput(file + ": invalid Keras model: " + Errors.describe(e));
    } catch (Exception | LinkageError e) {
      // DL4J's importer throws bare runtime exceptions (IndexOutOfBounds, NullPointer, ...)
      // on layer configurations it mishandles; name the layer types it was given.
      throw GraftException.unsupported(
          file
              + ": DL4J's Keras importer failed ("
              + Errors.describe(e)
              + ") on a model with layer types "
              + new TreeSet<>(config.layerTypes().values()),
          e);
    }
  }

  /**
   * A parameter array for DL4J's init to take instead of drawing initial weights: every weight
   * comes from the file (checkSizes makes sure), and drawing them is not free - the orthogonal
   * recurrent initializer of a Keras LSTM took minutes in ND4J.
   */
  private static INDArray placeholderParams(long count) {
    return count == 0
        ? null
        : org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, count);
  }

  /**
   * Every imported layer must hold exactly as many parameters as the file has weights for it: DL4J
   * mis-sizes some layers (Conv2DTranspose after UpSampling2D, seen in its own test suite) and
   * would otherwise leave part of them at random initial values.
   */
  private static void checkSizes(Path file, Model model, Map<String, Long> fileCounts) {
    fileCounts.forEach(
        (name, count) -> {
          org.deeplearning4j.nn.api.Layer layer =
              model instanceof org.deeplearning4j.nn.graph.ComputationGraph cg
                  ? cg.getLayer(name)
                  : java.util.Arrays.stream(
                          ((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) model).getLayers())
                      .filter(l -> name.equals(l.conf().getLayer().getLayerName()))
                      .findFirst()
                      .orElse(null);
          if (layer != null && layer.numParams() != count) {
            throw GraftException.unsupported(
                file
                    + ": layer '"
                    + name
                    + "': the file holds "
                    + count
                    + " weights but DL4J's "
                    + "importer built a layer with "
                    + layer.numParams()
                    + " parameters (it mis-sizes this layer); refusing an "
                    + "import that would be partly random");
          }
        });
  }

  /**
   * DL4J reads the Keras version and backend from the model JSON, where HDF5 files keep them as
   * attributes.
   */
  private static String withVersion(String json, KerasConfig config) {
    try {
      var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
      if (!config.kerasVersion().equals("1.x")) {
        root.put("keras_version", config.kerasVersion());
      }
      if (!config.backend().isEmpty()) {
        root.put("backend", config.backend());
      }
      return JSON.writeValueAsString(root);
    } catch (Exception e) {
      throw GraftException.badInput("the Keras model_config is not a JSON object", e);
    }
  }

  private static String blame(KerasConfig config, Exception e) {
    String message = String.valueOf(e.getMessage());
    List<String> layers = new ArrayList<>();
    config
        .layerTypes()
        .forEach(
            (name, type) -> {
              if (message.contains(type)) {
                layers.add("'" + name + "' (" + type + ")");
              }
            });
    return layers.isEmpty() ? "" : "; layers: " + String.join(", ", layers);
  }
}
