package dev.graft.converter;

import dev.graft.GraftException;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.UnsupportedHdfException;
import io.jhdf.links.ExternalLink;
import java.util.HashSet;
import java.util.Set;

/**
 * Walks an untrusted HDF5 file's groups once, before anything else reads them, and refuses what a
 * model file never needs: an external link (jHDF would open the other file, anywhere on the
 * machine, and read its dataset as a weight), a group that contains itself (a hard-link cycle:
 * walks never ended), nesting deeper than {@value #MAX_DEPTH} groups and more than {@value
 * #MAX_OBJECTS} objects. Soft links are not followed here. Datasets with external storage or
 * virtual layouts (values from other files) are refused too: jHDF declines to load them.
 */
public final class Hdf5Structure {
  static final int MAX_DEPTH = 64;
  static final int MAX_OBJECTS = 200_000;

  private Hdf5Structure() {}

  /** {@code label} names the file in messages. */
  public static void check(String label, Group root) {
    try {
      walk(label, root, new HashSet<>(), 0, new int[1]);
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      String outside = storageOutsideFile(e);
      throw GraftException.badInput(
          outside != null
              ? label + ": refused: " + outside + "; graft reads nothing outside the model file"
              : label + ": corrupt HDF5 structure (" + Errors.describe(e) + ")",
          e);
    }
  }

  /**
   * jHDF refuses datasets whose bytes live in other files while it loads a group's children; those
   * refusals are named for what they are rather than as corruption.
   */
  private static String storageOutsideFile(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnsupportedHdfException && t.getMessage() != null) {
        if (t.getMessage().contains("External Data Files")) {
          return "a dataset with external storage (its values would be read from another file)";
        }
        if (t.getMessage().contains("Virtual storage")) {
          return "a virtual dataset (its values would be read from other files)";
        }
      }
    }
    return null;
  }

  private static void walk(String label, Group group, Set<Long> ancestors, int depth, int[] count) {
    if (depth > MAX_DEPTH) {
      throw GraftException.badInput(
          label
              + ": refused: groups nested more than "
              + MAX_DEPTH
              + " deep ("
              + Errors.abbreviate(group.getPath(), 80)
              + ")");
    }
    if (!ancestors.add(group.getAddress())) {
      throw GraftException.badInput(
          label + ": refused: group " + group.getPath() + " contains itself (a link cycle)");
    }
    for (Node child : group.getChildren().values()) {
      if (++count[0] > MAX_OBJECTS) {
        throw GraftException.badInput(
            label + ": refused: more than " + MAX_OBJECTS + " HDF5 objects");
      }
      if (child instanceof ExternalLink) {
        throw GraftException.badInput(
            label
                + ": refused: "
                + child.getPath()
                + " is an external link to another file; "
                + "graft reads nothing outside the model file");
      }
      if (!child.isLink() && child instanceof Group g) {
        walk(label, g, ancestors, depth + 1, count);
      }
    }
    ancestors.remove(group.getAddress());
  }
}
