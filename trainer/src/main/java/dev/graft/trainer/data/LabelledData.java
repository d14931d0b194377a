package dev.graft.trainer.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * A labelled data set prepared for one model: its training, validation and test examples as streams
 * (images are decoded only while a pass goes over them), the classes' names in label order, how
 * images were made into the model's input ("crop+tf"; null for arrays and Fashion-MNIST), where the
 * examples came from ({@code sourceKind}: image_folder, arrays or fashion_mnist, and a record of
 * the source for the model's provenance), and a one-line summary for reports. The record and the
 * summary count what the passes kept, so ask for them after training.
 */
public final class LabelledData {
  private final TaskStreams streams;
  private final List<String> classNames;
  private final String preprocessing;
  private final String sourceKind;
  private final Supplier<ObjectNode> source;
  private final Supplier<String> summary;

  public LabelledData(
      TaskStreams streams,
      List<String> classNames,
      String preprocessing,
      String sourceKind,
      Supplier<ObjectNode> source,
      Supplier<String> summary) {
    this.streams = streams;
    this.classNames = List.copyOf(classNames);
    this.preprocessing = preprocessing;
    this.sourceKind = sourceKind;
    this.source = source;
    this.summary = summary;
  }

  /** Examples already in memory. */
  LabelledData(
      TaskData data,
      List<String> classNames,
      String preprocessing,
      String sourceKind,
      ObjectNode source,
      String summary) {
    this(data.streams(), classNames, preprocessing, sourceKind, () -> source, () -> summary);
  }

  public Task task() {
    return streams.task();
  }

  public TaskStreams streams() {
    return streams;
  }

  /** Every example in memory: for images, all of them decoded (call once). */
  public TaskData data() {
    return streams.load();
  }

  public List<String> classNames() {
    return classNames;
  }

  public String preprocessing() {
    return preprocessing;
  }

  public String sourceKind() {
    return sourceKind;
  }

  /** The source's record (null for Fashion-MNIST), with the counts the passes kept. */
  public ObjectNode source() {
    return source.get();
  }

  public String summary() {
    return summary.get();
  }

  /** The user's own examples (a folder or arrays), not one of the chapter's Fashion-MNIST tasks. */
  public boolean own() {
    return !sourceKind.equals(DataSource.FASHION_MNIST);
  }
}
