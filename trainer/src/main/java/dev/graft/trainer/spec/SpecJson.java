package dev.graft.trainer.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Network specs as JSON files (keys in Keras's snake_case), read strictly: an unknown key, a value
 * of the wrong type or a spec {@link SpecCheck} refuses is an error naming the field. Example:
 *
 * <pre>{"input": [28, 28],
 *  "layers": [{"units": 100, "activation": "elu", "initializer": "he_normal", "repeat": 20}],
 *  "optimizer": {"name": "nadam"},
 *  "schedule": {"name": "exponential", "s": 20}}</pre>
 */
public final class SpecJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP =
      Set.of(
          "name",
          "input",
          "input_dropout",
          "input_batch_norm",
          "layers",
          "output",
          "optimizer",
          "schedule",
          "clip_value",
          "clip_norm",
          "l1",
          "l2",
          "self_normalizing",
          "seed");
  private static final Set<String> LAYER =
      Set.of(
          "units",
          "activation",
          "alpha",
          "initializer",
          "batch_norm",
          "use_bias",
          "dropout",
          "alpha_dropout",
          "max_norm",
          "l1",
          "l2",
          "repeat");
  private static final Set<String> OPTIMIZER =
      Set.of("name", "learning_rate", "momentum", "beta_1", "beta_2", "epsilon", "rho");
  private static final Set<String> SCHEDULE =
      Set.of("name", "s", "c", "boundaries", "values", "factor", "patience", "max_rate");

  private SpecJson() {}

  public static NetworkSpec read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw GraftException.usage(file + ": cannot read the spec: " + e.getMessage());
    }
    return parse(text, file.getFileName().toString());
  }

  /** {@code label} starts every field path in errors (the file's name). */
  public static NetworkSpec parse(String text, String label) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw GraftException.usage(label + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw GraftException.usage(label + ": a spec is a JSON object");
    }
    keys(root, TOP, label);
    List<LayerSpec> layers = new ArrayList<>();
    JsonNode ls = root.path("layers");
    if (!ls.isArray()) {
      throw SpecCheck.bad(label + ".layers", "must be a list of layers");
    }
    for (int i = 0; i < ls.size(); i++) {
      layers.add(layer(ls.get(i), label + ".layers[" + i + "]"));
    }
    JsonNode in = root.path("input");
    long[] input;
    if (in.isIntegralNumber()) {
      input = new long[] {in.asLong()};
    } else if (in.isArray()) {
      input = new long[in.size()];
      for (int i = 0; i < input.length; i++) {
        input[i] = integer(in.get(i), label + ".input[" + i + "]");
      }
    } else {
      throw SpecCheck.bad(
          label + ".input", "must be a number or a list of numbers (the shape of one example)");
    }
    NetworkSpec spec =
        new NetworkSpec(
            root.path("name").asText("network"),
            input,
            number(root, "input_dropout", 0, label),
            bool(root, "input_batch_norm", false, label),
            layers,
            root.has("output") ? layer(root.get("output"), label + ".output") : null,
            root.has("optimizer")
                ? optimizer(root.get("optimizer"), label + ".optimizer")
                : OptimizerSpec.of("sgd"),
            root.has("schedule") ? schedule(root.get("schedule"), label + ".schedule") : null,
            optionalNumber(root, "clip_value", label),
            optionalNumber(root, "clip_norm", label),
            number(root, "l1", 0, label),
            number(root, "l2", 0, label),
            bool(root, "self_normalizing", false, label),
            root.has("seed") ? integer(root.get("seed"), label + ".seed") : 42);
    SpecCheck.check(spec, label);
    return spec;
  }

  private static LayerSpec layer(JsonNode n, String where) {
    if (!n.isObject()) {
      throw SpecCheck.bad(
          where, "must be an object like {\"units\": 100, \"activation\": \"relu\"}");
    }
    keys(n, LAYER, where);
    if (!n.has("units")) {
      throw SpecCheck.bad(where + ".units", "is missing");
    }
    return new LayerSpec(
        (int) integer(n.get("units"), where + ".units"),
        text(n, "activation", "linear", where),
        optionalNumber(n, "alpha", where),
        text(n, "initializer", "glorot_uniform", where),
        text(n, "batch_norm", "none", where),
        n.has("use_bias") ? bool(n, "use_bias", true, where) : null,
        number(n, "dropout", 0, where),
        number(n, "alpha_dropout", 0, where),
        optionalNumber(n, "max_norm", where),
        optionalNumber(n, "l1", where),
        optionalNumber(n, "l2", where),
        n.has("repeat") ? (int) integer(n.get("repeat"), where + ".repeat") : 1);
  }

  private static OptimizerSpec optimizer(JsonNode n, String where) {
    if (n.isTextual()) {
      return OptimizerSpec.of(n.asText());
    }
    keys(n, OPTIMIZER, where);
    return new OptimizerSpec(
        text(n, "name", null, where),
        optionalNumber(n, "learning_rate", where),
        optionalNumber(n, "momentum", where),
        optionalNumber(n, "beta_1", where),
        optionalNumber(n, "beta_2", where),
        optionalNumber(n, "epsilon", where),
        optionalNumber(n, "rho", where));
  }

  private static ScheduleSpec schedule(JsonNode n, String where) {
    keys(n, SCHEDULE, where);
    List<Integer> boundaries = new ArrayList<>();
    n.path("boundaries").forEach(b -> boundaries.add((int) integer(b, where + ".boundaries")));
    List<Double> values = new ArrayList<>();
    n.path("values").forEach(v -> values.add(v.isNumber() ? v.asDouble() : Double.NaN));
    return new ScheduleSpec(
        text(n, "name", null, where),
        number(n, "s", 0, where),
        number(n, "c", 1, where),
        boundaries,
        values,
        number(n, "factor", 0.5, where),
        n.has("patience") ? (int) integer(n.get("patience"), where + ".patience") : 5,
        number(n, "max_rate", 0, where));
  }

  /** The spec as JSON, in the form {@link #parse} reads. */
  public static String write(NetworkSpec spec) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", spec.name());
    ArrayNode in = o.putArray("input");
    for (long d : spec.input()) {
      in.add(d);
    }
    if (spec.inputDropout() > 0) {
      o.put("input_dropout", spec.inputDropout());
    }
    if (spec.inputBatchNorm()) {
      o.put("input_batch_norm", true);
    }
    ArrayNode layers = o.putArray("layers");
    spec.layers().forEach(l -> layers.add(layerJson(l)));
    if (spec.output() != null) {
      o.set("output", layerJson(spec.output()));
    }
    OptimizerSpec opt = spec.optimizer();
    ObjectNode on = o.putObject("optimizer").put("name", opt.name());
    putIf(on, "learning_rate", opt.learningRate());
    putIf(on, "momentum", opt.momentum());
    putIf(on, "beta_1", opt.beta1());
    putIf(on, "beta_2", opt.beta2());
    putIf(on, "epsilon", opt.epsilon());
    putIf(on, "rho", opt.rho());
    if (spec.schedule() != null) {
      ScheduleSpec s = spec.schedule();
      ObjectNode sn = o.putObject("schedule").put("name", s.name());
      switch (s.name()) { // only the fields the schedule uses
        case "power" -> sn.put("s", s.s()).put("c", s.c());
        case "exponential" -> sn.put("s", s.s());
        case "piecewise" -> {
          s.boundaries().forEach(sn.putArray("boundaries")::add);
          s.values().forEach(sn.putArray("values")::add);
        }
        case "performance" -> sn.put("factor", s.factor()).put("patience", s.patience());
        default -> sn.put("max_rate", s.maxRate());
      }
    }
    putIf(o, "clip_value", spec.clipValue());
    putIf(o, "clip_norm", spec.clipNorm());
    o.put("l1", spec.l1())
        .put("l2", spec.l2())
        .put("self_normalizing", spec.selfNormalizing())
        .put("seed", spec.seed());
    return o.toPrettyString();
  }

  private static ObjectNode layerJson(LayerSpec l) {
    ObjectNode n =
        JSON.createObjectNode()
            .put("units", l.units())
            .put("activation", l.activation())
            .put("initializer", l.initializer())
            .put("batch_norm", l.batchNorm())
            .put("dropout", l.dropout())
            .put("alpha_dropout", l.alphaDropout())
            .put("repeat", l.repeat());
    putIf(n, "alpha", l.alpha());
    if (l.useBias() != null) {
      n.put("use_bias", l.useBias());
    }
    putIf(n, "max_norm", l.maxNorm());
    putIf(n, "l1", l.l1());
    putIf(n, "l2", l.l2());
    return n;
  }

  private static void putIf(ObjectNode o, String key, Double v) {
    if (v != null) {
      o.put(key, v);
    }
  }

  private static void keys(JsonNode n, Set<String> known, String where) {
    if (!n.isObject()) {
      throw SpecCheck.bad(where, "must be an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw SpecCheck.bad(
            where + "." + k,
            "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private static String text(JsonNode n, String key, String otherwise, String where) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isTextual()) {
      throw SpecCheck.bad(where + "." + key, "must be a string, not " + v);
    }
    return v.asText();
  }

  private static double number(JsonNode n, String key, double otherwise, String where) {
    Double v = optionalNumber(n, key, where);
    return v == null ? otherwise : v;
  }

  private static Double optionalNumber(JsonNode n, String key, String where) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw SpecCheck.bad(where + "." + key, "must be a number, not " + v);
    }
    return v.asDouble();
  }

  private static boolean bool(JsonNode n, String key, boolean otherwise, String where) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw SpecCheck.bad(where + "." + key, "must be true or false, not " + v);
    }
    return v.asBoolean();
  }

  private static long integer(JsonNode v, String where) {
    if (v == null || !v.isIntegralNumber()) {
      throw SpecCheck.bad(where, "must be a whole number, not " + v);
    }
    return v.asLong();
  }
}
