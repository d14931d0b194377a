package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shapes Keras 3 writes into config.json, so written archives look like Keras's own. */
final class KerasConfigs {
  static final ObjectMapper JSON = new ObjectMapper();

  private KerasConfigs() {}

  /** {"module": ..., "class_name": ..., "config": ..., "registered_name": null}. */
  static ObjectNode object(String module, String className, JsonNode config) {
    ObjectNode o = JSON.createObjectNode();
    o.put("module", module);
    o.put("class_name", className);
    o.set("config", config);
    o.putNull("registered_name");
    return o;
  }

  static ObjectNode dtypePolicy() {
    ObjectNode c = JSON.createObjectNode();
    c.put("name", "float32");
    return object("keras", "DTypePolicy", c);
  }

  /** Sets each of {@code keys} to null (the regularizers and constraints graft never writes). */
  static void putNulls(ObjectNode c, String... keys) {
    for (String k : keys) {
      c.putNull(k);
    }
  }

  /**
   * A convolution's initializer, regularizer and constraint keys, as Keras writes them for a layer
   * with none of its own.
   */
  static void convolutionDefaults(ObjectNode c) {
    c.set("kernel_initializer", initializer("GlorotUniform"));
    c.set("bias_initializer", initializer("Zeros"));
    putNulls(
        c,
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint");
  }

  /** A layer config starting with the keys every Keras layer writes. */
  static ObjectNode layerConfig(String name) {
    ObjectNode c = JSON.createObjectNode();
    c.put("name", name);
    c.put("trainable", true);
    c.set("dtype", dtypePolicy());
    return c;
  }

  static ObjectNode initializer(String className) {
    ObjectNode c = JSON.createObjectNode();
    if (!className.equals("Zeros") && !className.equals("Ones")) {
      c.putNull("seed");
    }
    return object("keras.initializers", className, c);
  }

  /** [null, d1, d2, ...]: a shape with its batch dimension left open. */
  static ArrayNode batchShape(long[] shape) {
    ArrayNode a = JSON.createArrayNode();
    a.addNull();
    for (long d : shape) {
      a.add(d);
    }
    return a;
  }

  static ArrayNode pair(int a, int b) {
    return JSON.createArrayNode().add(a).add(b);
  }
}
