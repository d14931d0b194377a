package dev.graft.trainer;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which model output each of the data's classes is, for eval: by name, case-insensitively, when the
 * model has class names and the data names its classes (never by folder order: Teachable Machine's
 * labels.txt is in the order its author made the classes); by number otherwise. A class the model
 * does not know is refused, naming it.
 */
final class ClassMatch {
  private ClassMatch() {}

  /**
   * @param byName match names (else class c is output c)
   * @param known how many classes the model's outputs can say
   * @param where the data, and what its classes are called ("class folder"), for messages
   * @return the model's output index for each data class
   */
  static int[] toModel(
      List<String> dataClasses,
      List<String> modelNames,
      boolean byName,
      int known,
      int outputs,
      String where,
      String what,
      Path model) {
    int[] toModel = new int[dataClasses.size()];
    for (int c = 0; c < toModel.length; c++) {
      String cls = dataClasses.get(c);
      toModel[c] = byName ? indexOf(modelNames, cls) : c;
      if (toModel[c] < 0 || toModel[c] >= known) {
        throw GraftException.badInput(
            where
                + ": "
                + what
                + " '"
                + cls
                + "' is not a class of "
                + model
                + (byName
                    ? " (its classes: " + modelNames + ")"
                    : " (it has " + outputs + " outputs)"));
      }
    }
    return toModel;
  }

  /** The index of {@code cls} in {@code names}, ignoring case; -1 when absent. */
  static int indexOf(List<String> names, String cls) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).toLowerCase(Locale.ROOT).equals(cls.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }
}
