package dev.graft.trainer.fast;

import dev.graft.converter.dl4j.Dl4jInternals;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * graft's training fast path, and the one switch for it: ND4J ops through {@link LeanOpExecutioner}
 * (no per-call native allocations) and dense layers through {@link OnePassDenseLayer} (no second
 * forward product, BLAS called directly). Both give results bit-identical to stock DL4J; both rely
 * on DL4J/ND4J {@value Dl4jInternals#WRITTEN_AGAINST} internals, so on any other release the
 * trainer falls back to stock DL4J with one warning.
 *
 * <p>Off with {@code -Dgraft.fastPath=false} for the whole JVM, or per training with the fine-tune
 * and train options. The executioner is process-wide (ND4J has one): a training that runs with the
 * fast path installs it, one that runs without puts ND4J's stock executioner back.
 */
public final class FastPath {
  /** System property; {@code false} turns the fast path off for the JVM. */
  public static final String PROPERTY = "graft.fastPath";

  private static final Logger LOG = LoggerFactory.getLogger(FastPath.class);
  private static boolean warned;

  private FastPath() {}

  /**
   * Whether training may use the fast path: not turned off by the property, and DL4J is the release
   * it knows.
   */
  public static synchronized boolean available() {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
      return false;
    }
    if (!Dl4jInternals.known()) {
      if (!warned) {
        warned = true;
        LOG.warn(
            "graft's training fast path is written against DL4J {}, found {}: training with stock DL4J (slower)",
            Dl4jInternals.WRITTEN_AGAINST,
            Dl4jInternals.found());
      }
      return false;
    }
    return true;
  }

  /**
   * Called by a training session before it trains: with {@code wanted} and {@link #available()}
   * installs the lean executioner, otherwise makes sure ND4J runs its stock one. Returns whether
   * the fast path is on.
   */
  public static synchronized boolean activate(boolean wanted) {
    boolean on = wanted && available();
    if (on) {
      return LeanNd4j.install();
    }
    LeanNd4j.uninstall();
    return false;
  }

  /**
   * Puts one-pass dense layers into the network until the handle is closed (around {@code fit}
   * calls only); a handle that changes nothing when the fast path is off or the model is a graph.
   */
  public static Handle around(Model net, boolean on) {
    if (on && net instanceof MultiLayerNetwork m) {
      return OnePassDenseLayer.installIn(m);
    }
    return () -> {};
  }

  /** What {@link #around} returns: closing it puts DL4J's own layers back. */
  public interface Handle extends AutoCloseable {
    @Override
    void close();
  }
}
