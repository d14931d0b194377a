package dev.graft.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelWriter;
import dev.graft.converter.Network;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.data.TaskStreams;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Saves a fine-tuned network as a DL4J zip, with a JSON record of how it was made (base file and
 * hash, reused and frozen layers, head, data, epochs, optimizers, seed, metrics) both inside the
 * zip (graft.json) and beside it (same name, .json).
 */
public final class FineTuneRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FineTuneRecord() {}

  public static ObjectNode describe(
      Network base, TaskData data, FineTuneOptions options, FineTuneResult result) {
    return describe(base, data.streams(), options, result);
  }

  /** As above; the split sizes are the examples the passes kept. */
  static ObjectNode describe(
      Network base, TaskStreams data, FineTuneOptions options, FineTuneResult result) {
    return describe(base.label(), base.sourceSha256(), base.producer(), data, options, result);
  }

  /** The record of a base known by its file's name, SHA-256 and producer. */
  static ObjectNode describe(
      String file,
      String sha256,
      String producer,
      TaskStreams data,
      FineTuneOptions options,
      FineTuneResult result) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode b = r.putObject("base");
    b.put("file", file);
    b.put("sha256", sha256);
    b.put("producer", producer);
    stringArray(r.putArray("reused_layers"), result.reusedLayers());
    stringArray(r.putArray("frozen_layers"), result.frozenLayers());
    r.put("dropped_top_layers", options.dropTop());
    ArrayNode head = r.putArray("head");
    result.head().forEach(h -> head.add(h.toString()));
    ObjectNode d = r.putObject("data");
    d.put("task", data.task().describe());
    d.put("train", data.train().kept());
    d.put("valid", data.valid().kept());
    d.put("test", data.test().kept());
    r.put("freeze_epochs", options.freezeEpochs());
    r.put("unfrozen_epochs", options.epochs());
    r.put("freeze_optimizer", options.freezeOptimizer().toString());
    r.put("optimizer", options.optimizer().toString());
    r.put("batch_size", options.batchSize());
    r.put("seed", options.seed());
    if (result.test().regression()) {
      r.put("test_mse", result.test().loss());
      r.put("test_mae", result.test().mae());
    } else {
      r.put("test_accuracy", result.test().accuracy());
    }
    r.put("test_loss", result.test().loss());
    ArrayNode history = r.putArray("history");
    for (EpochStats e : result.history()) {
      ObjectNode h = history.addObject();
      h.put("phase", e.phase());
      h.put("epoch", e.epoch());
      h.put("loss", e.trainLoss());
      h.put("val_loss", e.validLoss());
      h.put("val_accuracy", e.validAccuracy());
    }
    r.put("created", Instant.now().toString());
    return r;
  }

  /**
   * Writes {@code out} in the format its extension names (.zip, .onnx, .keras; the record also
   * inside a zip) and the record as sidecar JSON; both atomically.
   */
  public static void save(Network tuned, Path out, ObjectNode record) {
    ObjectNode meta = JSON.createObjectNode();
    meta.set("fine_tuning", record);
    ModelWriter.write(tuned, out, ExportOptions.defaults(), meta);
    try {
      AtomicWrite.writeString(
          sidecar(out), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fails now, before any training, unless {@link #save} could write {@code out} and its record: a
   * format the name picks, and folders that take the files.
   */
  public static void checkTargets(Path out) {
    ModelWriter.checkTarget(out);
    AtomicWrite.checkWritable(sidecar(out));
  }

  /** model.zip -> model.json */
  public static Path sidecar(Path out) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
  }

  private static void stringArray(ArrayNode array, java.util.List<String> values) {
    values.forEach(array::add);
  }
}
