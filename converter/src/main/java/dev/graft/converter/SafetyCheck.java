package dev.graft.converter;

import dev.graft.GraftException;
import io.jhdf.HdfFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A quick safety report of a Keras or DL4J file, without building a network where it can: format,
 * producer, layer types (flagging Lambda and custom classes), declared weight sizes, and the
 * verdict of graft's structural checks (archive entries, config references). Each format's {@link
 * FormatProvider} runs its own checks.
 */
public final class SafetyCheck {

  private SafetyCheck() {}

  /** Facts about the file and the problems found; a file with problems would be refused. */
  public record Report(String format, String producer, List<String> facts, List<String> problems) {
    public boolean safe() {
      return problems.isEmpty();
    }
  }

  public static Report of(Path file) {
    ModelFormat format = ModelFormat.detect(file);
    List<String> facts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String producer = FormatProviders.of(format).check(file, facts, problems);
    // Two checks can meet the same problem (the config reader and the size walk both open the
    // file).
    return new Report(format.description(), producer, facts, problems.stream().distinct().toList());
  }

  /** The HDF5 structure checks and the weight sizes an HDF5 file declares. */
  public static void declaredSizes(Path file, List<String> facts, List<String> problems) {
    try (HdfFile hdf = new HdfFile(file)) {
      Hdf5Structure.check(file.toString(), hdf);
      sizes(file, DeclaredSizes.of(hdf), facts, problems);
    } catch (GraftException e) {
      problems.add(e.getMessage());
    } catch (RuntimeException e) {
      problems.add(file + ": HDF5 structure unreadable (" + Errors.describe(e) + ")");
    }
  }

  /** The declared weight sizes as a fact, and as a problem when graft would refuse them. */
  public static void sizes(
      Path file, DeclaredSizes sizes, List<String> facts, List<String> problems) {
    facts.add(sizes.toString());
    if (sizes.tooLarge()) {
      problems.add(
          file
              + ": declares "
              + sizes.values()
              + " weight values, more than graft accepts ("
              + Hdf5Arrays.MAX_VALUES
              + ")");
    }
  }
}
