package dev.graft.trainer.fast;

import java.lang.reflect.Field;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link LeanOpExecutioner} in place of ND4J's stock CPU executioner. ND4J has no setter for
 * it; the backend reads the class from the {@code opexec} property only while it starts, which a
 * library cannot count on being first to do, so the static field is replaced. Process-wide: all
 * ND4J work in the JVM then runs through it (with bit-identical results). Idempotent; a backend
 * other than the stock CPU one is left alone.
 */
final class LeanNd4j {
  private static final Logger LOG = LoggerFactory.getLogger(LeanNd4j.class);

  private LeanNd4j() {}

  /** The stock executioner the lean one replaced, put back by {@link #uninstall}. */
  private static OpExecutioner stock;

  /**
   * Installs the lean executioner if ND4J runs its stock CPU executioner; returns whether it runs
   * now.
   */
  static synchronized boolean install() {
    OpExecutioner current = Nd4j.getExecutioner();
    if (current instanceof LeanOpExecutioner) {
      return true;
    }
    if (current.getClass() != NativeOpExecutioner.class) {
      return false;
    }
    try {
      stock = use(new LeanOpExecutioner());
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "could not install graft's ND4J executioner, training will be slower: {}", e.toString());
      return false;
    }
  }

  /** Puts ND4J's stock executioner back if the lean one runs. */
  static synchronized void uninstall() {
    if (stock != null && Nd4j.getExecutioner() instanceof LeanOpExecutioner) {
      use(stock);
    }
  }

  /** Makes ND4J run ops through the given executioner; returns the one it replaced. */
  static synchronized OpExecutioner use(OpExecutioner executioner) {
    OpExecutioner previous = Nd4j.getExecutioner();
    try {
      Field field = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
      field.setAccessible(true);
      executioner.setProfilingMode(previous.getProfilingMode());
      field.set(null, executioner);
      return previous;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "ND4J's executioner field is not where ND4J 1.0.0-M2.1 keeps it", e);
    }
  }
}
