package dev.graft.converter;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

/**
 * The arrays an HDF5 file declares and their total number of values, from dimensions only (nothing
 * is read).
 */
public record DeclaredSizes(long arrays, long values) {

  public static DeclaredSizes of(Group root) {
    long[] total = {0, 0};
    walk(root, total);
    return new DeclaredSizes(total[0], total[1]);
  }

  /** True when the file declares more values than graft will allocate for a model. */
  public boolean tooLarge() {
    return values > Hdf5Arrays.MAX_VALUES;
  }

  /**
   * Refuses a configuration that asks for more parameters than graft allocates, before any
   * allocation.
   */
  public static void checkParams(java.nio.file.Path file, long params) {
    if (params > Hdf5Arrays.MAX_VALUES) {
      throw dev.graft.GraftException.badInput(
          file
              + ": refused: the model declares "
              + params
              + " parameters, more than graft accepts ("
              + Hdf5Arrays.MAX_VALUES
              + ")");
    }
  }

  /**
   * A ComputationGraph from {@code conf}, initialised, after refusing one with more parameters than
   * graft allocates.
   */
  public static org.deeplearning4j.nn.graph.ComputationGraph newGraph(
      java.nio.file.Path file, org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
    long params = 0;
    for (org.deeplearning4j.nn.conf.graph.GraphVertex v : conf.getVertices().values()) {
      params += v.numParams(true);
    }
    checkParams(file, params);
    org.deeplearning4j.nn.graph.ComputationGraph cg =
        new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    cg.init();
    return cg;
  }

  @Override
  public String toString() {
    return String.format("%d weight arrays declaring %,d values", arrays, values);
  }

  private static void walk(Group group, long[] total) {
    for (Node child : group.getChildren().values()) {
      if (child instanceof Group g) {
        walk(g, total);
      } else if (child instanceof Dataset d) {
        long n = 1;
        for (int dim : d.getDimensions()) {
          n = Math.multiplyExact(n, Math.max(dim, 0));
        }
        total[0]++;
        total[1] = Math.addExact(total[1], n);
      }
    }
  }
}
