package dev.graft.spark;

import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * An ONNX model shipped to the executors once (a broadcast) and opened once per executor JVM: one
 * ONNX Runtime session, reused by every task and partition that JVM runs, with one intra-op thread
 * (Spark runs one task per core; a session that also took every core would oversubscribe them).
 */
public final class ShippedModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Sessions open in this JVM, by the model's SHA-256. */
  private static final Map<String, OnnxModel> OPEN = new ConcurrentHashMap<>();

  private static final AtomicInteger OPENED = new AtomicInteger();

  private final String sha256;
  private final Broadcast<byte[]> bytes;
  private final String device;

  private ShippedModel(String sha256, Broadcast<byte[]> bytes, String device) {
    this.sha256 = sha256;
    this.bytes = bytes;
    this.device = device;
  }

  /** {@code device}: cpu, cuda[:ID] or auto, as each executor's session is to use. */
  public static ShippedModel ship(JavaSparkContext sc, byte[] model, String device) {
    return new ShippedModel(dev.graft.Sha256.hex(model), sc.broadcast(model), device);
  }

  /** This JVM's session for the model, opened on first use. */
  public OnnxModel session() {
    return OPEN.computeIfAbsent(
        sha256 + " " + device,
        k -> {
          OPENED.incrementAndGet();
          return OnnxModel.load(
              bytes.value(), ModelOptions.builder().intraOpThreads(1).device(device).build());
        });
  }

  public String sha256() {
    return sha256;
  }

  /** How many sessions this JVM has opened (one per model, however many tasks ran). */
  public static int sessionsOpened() {
    return OPENED.get();
  }

  /** Closes this JVM's sessions (the driver, after an embedded run). */
  public static void closeAll() {
    OPEN.values().forEach(OnnxModel::close);
    OPEN.clear();
  }
}
