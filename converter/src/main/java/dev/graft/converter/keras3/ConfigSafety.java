package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Refuses any Keras config that names Python code: Lambda layers, custom or unregistered classes
 * (objects whose module is not Keras's own), serialized functions. graft never executes anything
 * from a model file; this makes the refusal explicit and names the culprit.
 */
final class ConfigSafety {
  private static final Set<String> CODE_CLASSES =
      Set.of("Lambda", "function", "__lambda__", "TFOpLambda", "SlicingOpLambda");

  /**
   * Keras modules whose classes a model config may name: layers and what configures them. Anything
   * else of Keras's (keras.utils.get_file, keras.backend, ...) has been used to run code at load
   * time (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906).
   */
  private static final Set<String> KERAS_MODULES =
      Set.of(
          "keras",
          "keras.layers",
          "keras.initializers",
          "keras.regularizers",
          "keras.constraints",
          "keras.optimizers",
          "keras.optimizers.schedules",
          "keras.losses",
          "keras.metrics",
          "keras.models",
          "keras.src.models.functional",
          "keras.src.models.sequential",
          "keras.src.engine.functional",
          "keras.src.engine.sequential");

  /** Markers Keras's serializer uses for plain values, not classes. */
  private static final Set<String> VALUE_MARKERS =
      Set.of("__keras_tensor__", "__tuple__", "__ellipsis__");

  private ConfigSafety() {}

  /** A {@code .keras} archive's config.json, where every Keras class names its module. */
  static void check(Path file, JsonNode root) {
    scan(file, root, "config.json", true);
  }

  /**
   * A legacy HDF5 file's model_config, in the old serialization that names classes without their
   * module: a class graft does not map is refused later, by name, as an unsupported layer.
   */
  static void checkLegacy(Path file, JsonNode root) {
    scan(file, root, "model_config", false);
  }

  private static void scan(Path file, JsonNode node, String where, boolean modules) {
    if (node.isObject()) {
      if (node.has("class_name")) {
        checkObject(file, node, where, modules);
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        scan(file, f.getValue(), where + "." + f.getKey(), modules);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        scan(file, node.get(i), where + "[" + i + "]", modules);
      }
    }
  }

  private static void checkObject(Path file, JsonNode node, String where, boolean modules) {
    String cls = node.path("class_name").asText("");
    String name = node.path("config").path("name").asText(cls);
    if (CODE_CLASSES.contains(cls)) {
      throw GraftException.unsupported(
          file
              + ": refused: "
              + cls
              + " '"
              + name
              + "' at "
              + where
              + " holds Python code, which graft never runs");
    }
    if (VALUE_MARKERS.contains(cls)) {
      return;
    }
    JsonNode module = node.get("module");
    String registered =
        node.path("registered_name").isNull() ? null : node.path("registered_name").asText(null);
    boolean kerasModule =
        module != null
            && module.isTextual()
            && (module.asText().equals("keras") || module.asText().startsWith("keras."));
    if (kerasModule && !KERAS_MODULES.contains(module.asText())) {
      throw GraftException.unsupported(
          file
              + ": refused: "
              + module.asText()
              + "."
              + cls
              + " at "
              + where
              + " is not a layer or its configuration; Keras configs that name such functions have been used to run code");
    }
    // Keras 3 marks its own classes with module keras.* and no registered name (or one equal to the
    // class).
    if ((!kerasModule && (modules || module != null))
        || (registered != null && !registered.equals(cls))) {
      String from =
          module == null || module.isNull() ? "" : " from module '" + module.asText() + "'";
      throw GraftException.unsupported(
          file
              + ": refused: custom class '"
              + cls
              + "'"
              + from
              + (registered != null ? " (registered as " + registered + ")" : "")
              + " at "
              + where
              + ": its code is not in the file and graft runs no Python; only Keras's built-in layers are supported");
    }
  }
}
