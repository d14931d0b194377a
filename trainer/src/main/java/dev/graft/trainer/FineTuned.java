package dev.graft.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelWriter;
import dev.graft.converter.Network;
import dev.graft.onnx.ModelProto;
import dev.graft.trainer.data.LabelledData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link FineTuning#run()} made: the model (a DL4J network, or for an ONNX trunk one stitched
 * ONNX model), its class names and image preprocessing (already carried by the model), the epochs'
 * history, the test metrics, and one provenance record, which every {@code save} writes beside the
 * model (same name, {@code .json}) and, in a DL4J zip, inside it.
 */
public final class FineTuned {
  private final Network network;
  private final ModelProto onnx;
  private final FineTuneResult result;
  private final String cut;
  private final boolean cacheHit;
  private final ObjectNode record;
  private final LabelledData data;

  FineTuned(
      Network network,
      ModelProto onnx,
      FineTuneResult result,
      String cut,
      boolean cacheHit,
      ObjectNode record,
      LabelledData data) {
    this.data = data;
    this.network = network;
    this.onnx = onnx;
    this.result = result;
    this.cut = cut;
    this.cacheHit = cacheHit;
    this.record = record;
  }

  /** The fine-tuned DL4J network; empty when the trunk stayed ONNX ({@link #onnx()}). */
  public java.util.Optional<Network> network() {
    return java.util.Optional.ofNullable(network);
  }

  /** The trunk and the trained layers stitched into one ONNX model; empty for a DL4J network. */
  public java.util.Optional<ModelProto> onnx() {
    return java.util.Optional.ofNullable(onnx);
  }

  /** The classes' names, in the model's output order. */
  public List<String> classNames() {
    return data.classNames();
  }

  /** How images become the model's input ("crop+tf"), as recorded in it; null for arrays. */
  public String preprocessing() {
    return data.preprocessing();
  }

  /** One line on the data trained on: source, classes, split sizes, preprocessing. */
  public String dataSummary() {
    return data.summary();
  }

  /** Accuracy, loss and confusion on the test examples (the validation ones when none). */
  public Metrics test() {
    return result.test();
  }

  /** Every epoch trained, in order; a phase named "frozen", "cached" or "unfrozen". */
  public List<EpochStats> history() {
    return result.history();
  }

  /** Epochs of the first phase (reused layers frozen, or the head on cached activations). */
  public long frozenEpochs() {
    return result.history().stream().filter(e -> !e.phase().equals("unfrozen")).count();
  }

  public List<String> reusedLayers() {
    return result.reusedLayers();
  }

  public List<String> frozenLayers() {
    return result.frozenLayers();
  }

  public List<DenseSpec> head() {
    return result.head();
  }

  /**
   * Where the head was put on cached activations (a layer or ONNX tensor); null when it was not.
   */
  public String cut() {
    return cut;
  }

  /** Whether the trunk's activations all came from the cache (the trunk never ran). */
  public boolean cacheHit() {
    return cacheHit;
  }

  /** The provenance record (base, data, options, history, metrics); a copy. */
  public ObjectNode record() {
    return record.deepCopy();
  }

  /** Saves in the format {@code out}'s extension names: .onnx, .keras or .zip. */
  public void save(Path out) {
    if (onnx != null) {
      saveOnnx(out);
    } else {
      FineTuneRecord.save(network, out, record);
    }
  }

  /** Saves as ONNX; {@code out} must end in .onnx. */
  public void saveOnnx(Path out) {
    requireFormat(out, ModelFormat.ONNX, ".onnx");
    if (onnx == null) {
      FineTuneRecord.save(network, out, record);
      return;
    }
    byte[] bytes = onnx.toByteArray();
    AtomicWrite.write(out, tmp -> Files.write(tmp, bytes));
    AtomicWrite.writeString(FineTuneRecord.sidecar(out), record.toPrettyString() + "\n");
  }

  /** Saves as a Keras 3 archive; {@code out} must end in .keras. */
  public void saveKeras(Path out) {
    requireFormat(out, ModelFormat.KERAS_V3, ".keras");
    save(out);
  }

  /** Saves as a DL4J zip holding the record; {@code out} must end in .zip. */
  public void saveDl4j(Path out) {
    requireFormat(out, ModelFormat.DL4J_ZIP, ".zip");
    save(out);
  }

  /**
   * Fails unless a result of this kind could be saved to {@code out}: a format its name picks (only
   * .onnx when the trunk stays ONNX) and folders that take the model and its record.
   */
  static void checkTarget(Path out, boolean onnxTrunk) {
    if (onnxTrunk && ModelWriter.formatOf(out) != ModelFormat.ONNX) {
      throw GraftException.parameter(
          "out",
          out
              + ": the trunk stays ONNX (an ONNX base, or one with several inputs or outputs), so"
              + " the result is an ONNX model (trunk and new head stitched); name a .onnx file");
    }
    FineTuneRecord.checkTargets(out);
  }

  private void requireFormat(Path out, ModelFormat format, String extension) {
    if (ModelWriter.formatOf(out) != format) {
      throw GraftException.parameter("out", out + " does not end in " + extension);
    }
    checkTarget(out, onnx != null);
  }
}
