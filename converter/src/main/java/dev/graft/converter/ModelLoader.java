package dev.graft.converter;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads any model file graft reads into a DL4J {@link Network}, whatever its format, with the class
 * names of a labels.txt beside it.
 */
public final class ModelLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  /** The system property that sets the time bound of {@link #load(Path)}, in seconds. */
  public static final String TIMEOUT_PROPERTY = "graft.import.timeout.seconds";

  static final long DEFAULT_TIMEOUT_SECONDS = 300;

  private ModelLoader() {}

  /** Loads within the time bound of {@value #TIMEOUT_PROPERTY} (default 300 s). */
  public static Network load(Path file) {
    return load(file, Duration.ofSeconds(Long.getLong(TIMEOUT_PROPERTY, DEFAULT_TIMEOUT_SECONDS)));
  }

  /**
   * Loads on a worker thread and gives up after {@code timeout}: a file crafted to make a parser
   * loop becomes an error instead of a hung caller. Java cannot stop that thread; it is a daemon
   * and is interrupted, but may keep a core busy until it notices or the JVM ends.
   */
  public static Network load(Path file, Duration timeout) {
    FutureTask<Network> task = new FutureTask<>(() -> loadNow(file));
    Thread worker = new Thread(task, "graft-import");
    worker.setDaemon(true);
    worker.start();
    try {
      return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      worker.interrupt();
      throw GraftException.badInput(
          file
              + ": refused: reading the model took longer than "
              + timeout.toSeconds()
              + " s (a file made to hang parsers?); if it is just very large, raise -D"
              + TIMEOUT_PROPERTY,
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      } else if (cause instanceof Error err) {
        throw err;
      }
      throw new GraftException(GraftException.Kind.FAILURE, file + ": " + cause, cause);
    } catch (InterruptedException e) {
      worker.interrupt();
      Thread.currentThread().interrupt();
      throw new GraftException(
          GraftException.Kind.FAILURE, file + ": interrupted while reading the model", e);
    }
  }

  private static Network loadNow(Path file) {
    return withLabelsBeside(file, FormatProviders.of(ModelFormat.detect(file)).read(file));
  }

  /**
   * A Teachable Machine model is useful only with its labels.txt: when one lies beside the model
   * and names as many classes as the model has outputs, the names travel with the network.
   */
  static Network withLabelsBeside(Path file, Network network) {
    if (!network.classNames().isEmpty() || network.inputShapes().size() != 1) {
      return network;
    }
    List<String> names = ClassNames.beside(file);
    if (names.isEmpty() || network.outputNames().size() != 1) {
      return network;
    }
    int outputs = network.outputSize();
    if (names.size() != outputs) {
      LOG.warn(
          "{}: ignoring {}: it names {} classes, the model has {} outputs",
          file,
          ClassNames.FILE,
          names.size(),
          outputs);
      return network;
    }
    Network named = network.withClassNames(names);
    long[] in = network.inputShape();
    boolean image = in.length == 3 && (in[2] == 3 || in[2] == 1);
    // Teachable Machine's own snippet: centre crop, Lanczos, x / 127.5 - 1
    return image && named.preprocessing() == null ? named.withPreprocessing("crop+tf") : named;
  }
}
