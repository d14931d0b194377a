package dev.graft.converter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

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
    var shape = meta.putArray("input_shape");
    for (long d : network.inputShape()) {
      shape.add(d);
    }
    meta.put("producer", network.producer());
    meta.put("source", network.source() == null ? "" : network.source().getFileName().toString());
    meta.put("source_format", network.format().name());
    meta.put("source_sha256", network.sourceSha256());
    return meta;
  }

  public static Network read(Path file) {
    ModelFiles.requireReadable(file);
    String sha = ModelFiles.sha256(file);
    JsonNode meta;
    boolean graph;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      graph = readEntry(file, zip, "configuration.json").has("vertices");
      Dl4jCoefficients.check(file, zip);
      ZipEntry metaEntry = zip.getEntry(METADATA_ENTRY);
      meta = metaEntry == null ? null : readEntry(file, zip, METADATA_ENTRY);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": corrupt or truncated zip: " + e.getMessage(), e);
    }
    Model model;
    try {
      model =
          graph
              ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
              : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
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
    long[] shape = new long[meta.get("input_shape").size()];
    long size = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = meta.get("input_shape").get(i).asLong();
      size *= Math.max(shape[i], 0);
      if (shape[i] < 1 || shape[i] > 1 << 24 || size > 1 << 26) {
        throw GraftException.badInput(
            file + ": graft.json declares an input shape of " + meta.get("input_shape"));
      }
    }
    String name = meta.path("name").asText(file.getFileName().toString());
    String producer = meta.path("producer").asText("Deeplearning4j");
    Network network = new Network(model, name, file, ModelFormat.DL4J_ZIP, sha, shape, producer);
    probe(file, network);
    return network;
  }

  /**
   * One forward pass on a zero example: a configuration damaged in a way DL4J does not check on
   * loading (a layer without an activation, sizes that do not chain) fails here, with the file's
   * name.
   */
  private static void probe(Path file, Network network) {
    try {
      network.outputSize();
    } catch (RuntimeException | LinkageError e) {
      throw GraftException.badInput(
          file + ": the network in this zip does not run (" + Errors.describe(e) + ")", e);
    }
  }

  private static JsonNode readEntry(Path file, ZipFile zip, String name) throws IOException {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw GraftException.badInput(file + ": zip entry " + name + " is missing");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes((int) MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw GraftException.badInput(
            file + ": zip entry " + name + " is larger than " + (MAX_CONFIG_BYTES >> 20) + " MiB");
      }
      return JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw GraftException.badInput(file + ": zip entry " + name + " is not valid JSON", e);
    }
  }
}
