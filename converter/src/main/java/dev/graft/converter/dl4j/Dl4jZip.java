package dev.graft.converter.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.converter.Errors;
import dev.graft.converter.ModelFiles;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.SafeZip;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Deeplearning4j's own zip format (ModelSerializer), with one extra entry, {@code graft.json}, that
 * keeps what DL4J does not: the input shape and where the network came from.
 */
public final class Dl4jZip {
  /** The zip entry holding graft's metadata. */
  public static final String METADATA_ENTRY = "graft.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Guards against a configuration entry that inflates to an absurd size. */
  private static final long MAX_CONFIG_BYTES = 64L << 20;

  private static final String CONFIGURATION = "configuration.json";
  private static final String SERIALIZED_NORMALIZER = "preprocessor.bin";

  /**
   * The entries a DL4J zip may hold, with their size limits. The updater state is allowed (DL4J
   * writes it) but never read: graft starts every training with a fresh optimizer. The normalizer
   * is allowed only to be refused by name.
   */
  private static final Map<String, Long> ENTRIES =
      Map.of(
          CONFIGURATION,
          MAX_CONFIG_BYTES,
          Dl4jCoefficients.ENTRY,
          8L << 30,
          "updaterState.bin",
          8L << 30,
          METADATA_ENTRY,
          MAX_CONFIG_BYTES,
          SERIALIZED_NORMALIZER,
          MAX_CONFIG_BYTES);

  private Dl4jZip() {}

  /**
   * Writes the network atomically. {@code extra} (may be null) is merged into graft.json, for the
   * fine-tuning record.
   */
  public static void write(Network network, Path out, ObjectNode extra) {
    ObjectNode meta = metadata(network);
    if (extra != null) {
      meta.setAll(extra);
    }
    AtomicWrite.write(
        out,
        tmp -> {
          ModelSerializer.writeModel(network.model(), tmp.toFile(), false);
          try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
            Files.writeString(
                zip.getPath(METADATA_ENTRY),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
          }
        });
  }

  static ObjectNode metadata(Network network) {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("name", network.name());
    // input_shape: the first input's (all a single-input model has); input_shapes: every input's
    var shape = meta.putArray("input_shape");
    for (long d : network.inputShapes().get(0)) {
      shape.add(d);
    }
    var shapes = meta.putArray("input_shapes");
    for (long[] s : network.inputShapes()) {
      var one = shapes.addArray();
      for (long d : s) {
        one.add(d);
      }
    }
    meta.put("producer", network.producer());
    meta.put("mask_zero_input", network.masksZeroInput());
    if (network.preprocessing() != null) {
      meta.put("preprocessing", network.preprocessing());
    }
    var classes = meta.putArray("class_names");
    network.classNames().forEach(classes::add);
    meta.put("source", network.source() == null ? "" : network.source().getFileName().toString());
    meta.put("source_format", network.format().name());
    meta.put("source_sha256", network.sourceSha256());
    return meta;
  }

  /**
   * Reads a DL4J zip without DL4J's ModelSerializer: the archive is read once by {@link SafeZip},
   * and only its configuration (JSON) and parameters (checked by {@link Dl4jCoefficients}) are
   * used. ModelSerializer would also run Java deserialization on a {@code preprocessor.bin} entry
   * (attacker bytes reaching {@code readObject}), and reads local headers where graft's checks read
   * the directory; a zip with an entry graft does not read is refused.
   */
  public static Network read(Path file) {
    ModelFiles.requireReadable(file);
    String sha = dev.graft.Sha256.hex(file);
    Map<String, byte[]> entries = checkedEntries(file);
    String config = new String(required(file, entries, CONFIGURATION), StandardCharsets.UTF_8);
    byte[] coefficients = required(file, entries, Dl4jCoefficients.ENTRY);
    JsonNode meta =
        entries.containsKey(METADATA_ENTRY) ? json(file, entries, METADATA_ENTRY) : null;
    Model model;
    try {
      Dl4jCoefficients.check(file, coefficients);
      boolean graph = json(file, entries, CONFIGURATION).has("vertices");
      INDArray params =
          Nd4j.read(new DataInputStream(new ByteArrayInputStream(coefficients))).reshape(1, -1);
      if (graph) {
        ComputationGraph cg = new ComputationGraph(ComputationGraphConfiguration.fromJson(config));
        cg.init(params, false);
        model = cg;
      } else {
        MultiLayerNetwork mln = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(config));
        mln.init(params, false);
        model = mln;
      }
    } catch (GraftException e) {
      throw e;
    } catch (Exception | LinkageError e) {
      throw GraftException.badInput(
          file + ": not a readable Deeplearning4j model (" + Errors.describe(e) + ")", e);
    }
    if (meta == null || !meta.path("input_shape").isArray()) {
      throw GraftException.unsupported(
          file
              + ": a Deeplearning4j zip without graft.json: its input "
              + "shape is unknown (save it with graft, or import the original model)");
    }
    List<long[]> shapes = new ArrayList<>();
    if (meta.path("input_shapes").isArray() && !meta.get("input_shapes").isEmpty()) {
      for (JsonNode s : meta.get("input_shapes")) {
        shapes.add(shape(file, s));
      }
    } else {
      shapes.add(shape(file, meta.get("input_shape")));
    }
    String name = meta.path("name").asText(file.getFileName().toString());
    String producer = meta.path("producer").asText("Deeplearning4j");
    List<String> classes = new ArrayList<>();
    meta.path("class_names").forEach(c -> classes.add(c.asText()));
    Network network =
        new Network(model, name, file, ModelFormat.DL4J_ZIP, sha, shapes, producer)
            .withClassNames(classes)
            .withMaskZeroInput(meta.path("mask_zero_input").asBoolean(false))
            .withPreprocessing(
                meta.path("preprocessing").isTextual() ? meta.get("preprocessing").asText() : null);
    probe(file, network);
    return network;
  }

  /**
   * Checks a DL4J zip that DL4J's own ModelSerializer is about to read (graft's training
   * checkpoints, which carry the updater state): the archive as {@link #read} checks it, no
   * serialized normalizer, parameters whose header fits their data.
   */
  public static void checkForModelSerializer(Path file) {
    ModelFiles.requireReadable(file);
    byte[] coefficients = required(file, checkedEntries(file), Dl4jCoefficients.ENTRY);
    try {
      Dl4jCoefficients.check(file, coefficients);
    } catch (IOException e) {
      throw GraftException.badInput(
          file + ": not a readable Deeplearning4j model (" + Errors.describe(e) + ")", e);
    }
  }

  private static Map<String, byte[]> checkedEntries(Path file) {
    Map<String, byte[]> entries = SafeZip.read(file, "Deeplearning4j zip", ENTRIES, false);
    if (entries.containsKey(SERIALIZED_NORMALIZER)) {
      throw GraftException.unsupported(
          file
              + ": refused: entry "
              + SERIALIZED_NORMALIZER
              + " is a serialized Java object (a "
              + "DL4J normalizer), which graft never deserializes; save the model without it");
    }
    return entries;
  }

  private static long[] shape(Path file, JsonNode declared) {
    if (declared == null || !declared.isArray()) {
      throw GraftException.badInput(file + ": graft.json declares an input shape of " + declared);
    }
    long[] shape = new long[declared.size()];
    long size = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = declared.get(i).asLong();
      size *= Math.max(shape[i], 0);
      if (shape[i] < 1 || shape[i] > 1 << 24 || size > 1 << 26) {
        throw GraftException.badInput(file + ": graft.json declares an input shape of " + declared);
      }
    }
    return shape;
  }

  /**
   * One forward pass on a zero example: a configuration damaged in a way DL4J does not check on
   * loading (a layer without an activation, sizes that do not chain) fails here, with the file's
   * name.
   */
  private static void probe(Path file, Network network) {
    try {
      network.outputs(
          network.inputShapes().stream()
              // token 1, not 0: a masking input's 0 is padding
              .map(s -> Nd4j.ones(DataType.FLOAT, Network.batchShape(s, 1)))
              .toArray(INDArray[]::new));
    } catch (RuntimeException | LinkageError e) {
      throw GraftException.badInput(
          file + ": the network in this zip does not run (" + Errors.describe(e) + ")", e);
    }
  }

  private static byte[] required(Path file, Map<String, byte[]> entries, String name) {
    byte[] bytes = entries.get(name);
    if (bytes == null) {
      throw GraftException.badInput(file + ": zip entry " + name + " is missing");
    }
    return bytes;
  }

  private static JsonNode json(Path file, Map<String, byte[]> entries, String name) {
    try {
      return JSON.readTree(required(file, entries, name));
    } catch (IOException e) {
      throw GraftException.badInput(file + ": zip entry " + name + " is not valid JSON", e);
    }
  }
}
