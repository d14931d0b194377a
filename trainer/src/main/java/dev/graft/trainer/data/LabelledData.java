package dev.graft.trainer.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A labelled data set prepared for one model: its training, validation and test examples, the
 * classes' names in label order, how images were made into the model's input ("crop+tf"; null for
 * arrays and Fashion-MNIST), where the examples came from ({@code sourceKind}: image_folder, arrays
 * or fashion_mnist, and a record of the source for the model's provenance), and a one-line summary
 * for reports.
 */
public record LabelledData(
    TaskData data,
    List<String> classNames,
    String preprocessing,
    String sourceKind,
    ObjectNode source,
    String summary) {

  public LabelledData {
    classNames = List.copyOf(classNames);
  }

  /** The user's own examples (a folder or arrays), not one of the chapter's Fashion-MNIST tasks. */
  public boolean own() {
    return !sourceKind.equals(DataSource.FASHION_MNIST);
  }
}
