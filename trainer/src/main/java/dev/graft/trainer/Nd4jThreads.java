package dev.graft.trainer;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many threads ND4J's native ops and OpenBLAS use when graft trains. ND4J's default (every
 * core, for ops and BLAS alike) made a library fine-tune use 3.7x the CPU time of the same
 * fine-tune under the {@code graft} launcher, which sets OMP_NUM_THREADS=1 (the dense networks
 * graft trains are too small to gain from more; see DESIGN.md). So a library user gets the
 * launcher's setting without launcher flags: one thread, unless OMP_NUM_THREADS is set (ND4J
 * honours it itself) or {@code -Dgraft.threads=N} asks for N.
 */
public final class Nd4jThreads {
  /** System property: threads for ND4J's ops and BLAS during training. */
  public static final String PROPERTY = "graft.threads";

  private static final Logger LOG = LoggerFactory.getLogger(Nd4jThreads.class);
  private static boolean applied;

  private Nd4jThreads() {}

  /** Applies the setting once per JVM; later calls do nothing. */
  public static synchronized void applyDefault() {
    if (applied) {
      return;
    }
    applied = true;
    String property = System.getProperty(PROPERTY);
    if (property == null && System.getenv("OMP_NUM_THREADS") != null) {
      return;
    }
    int threads = 1;
    if (property != null) {
      try {
        threads = Math.max(1, Integer.parseInt(property.trim()));
      } catch (NumberFormatException e) {
        LOG.warn("-D{}={} is not a number of threads; using 1", PROPERTY, property);
      }
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }
}
