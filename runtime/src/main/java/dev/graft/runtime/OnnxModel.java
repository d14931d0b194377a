package dev.graft.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import ai.onnxruntime.ValueInfo;
import dev.graft.ExternalData;
import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model loaded into ONNX Runtime, for services: float inputs, batches of examples in; with
 * one input, {@link #predict} gives the first output back, and {@link #run} serves models with
 * several inputs or outputs. Safe to share between threads (ONNX Runtime sessions are); close it
 * when done. A float[] input is copied into a direct buffer the calling thread reuses, so a call
 * allocates no input memory on the Java heap and ONNX Runtime reads the data without a copy.
 */
public final class OnnxModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String label;
  private final Device device;
  private final TensorInfo input;
  private final List<TensorInfo> inputs;
  private final List<TensorInfo> outputs;
  private final ThreadLocal<FloatBuffer> scratch = new ThreadLocal<>();
  private final java.util.concurrent.locks.ReentrantReadWriteLock lock =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed; // written under the write lock, read under the read lock

  private OnnxModel(OrtEnvironment env, OrtSession session, String label, Device device)
      throws OrtException {
    this.env = env;
    this.session = session;
    this.label = label;
    this.device = device;
    this.inputs = describe(session.getInputInfo());
    this.outputs = describe(session.getOutputInfo());
    this.input = inputs.get(0);
  }

  public static OnnxModel load(Path file) {
    return load(file, ModelOptions.defaults());
  }

  public static OnnxModel load(Path file, ModelOptions options) {
    if (!Files.isRegularFile(file)) {
      throw GraftException.badInput(file + ": no such file");
    }
    ExternalData.parseChecked(file);
    return open(file.toString(), null, file.toString(), options);
  }

  public static OnnxModel load(byte[] model, ModelOptions options) {
    try {
      ExternalData.refuseAny("<in-memory model>", dev.graft.onnx.ModelProto.parseFrom(model));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw GraftException.badInput(
          "<in-memory model>: not a readable ONNX model (" + e.getMessage() + ")", e);
    }
    return open(null, model, "<in-memory model>", options);
  }

  private static OnnxModel open(String path, byte[] bytes, String label, ModelOptions options) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(options.optimization());
      // ONNX Runtime's own log lines would repeat what graft reports as one GraftException.
      so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
      Device device = chooseDevice(options.device(), so);
      OrtSession session =
          path != null ? env.createSession(path, so) : env.createSession(bytes, so);
      try {
        OnnxModel model = new OnnxModel(env, session, label, device);
        model.checkFloatInputs();
        return model;
      } catch (RuntimeException | OrtException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw GraftException.badInput(
          label + ": ONNX Runtime cannot load this model: " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * CUDA when asked for (an error where it is missing); auto: CUDA if present, else CPU with one
   * warning.
   */
  private static Device chooseDevice(Device wanted, OrtSession.SessionOptions so)
      throws OrtException {
    boolean cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    switch (wanted.kind()) {
      case CPU:
        return Device.CPU;
      case CUDA:
        if (!cuda) {
          throw GraftException.unsupported(
              "device "
                  + wanted
                  + " asked for, but this ONNX Runtime has no CUDA "
                  + "execution provider (build graft with -Pcuda, on a machine with CUDA 12 and cuDNN 9)");
        }
        so.addCUDA(wanted.id());
        return wanted;
      default:
        if (cuda) {
          so.addCUDA(0);
          return new Device(Device.Kind.CUDA, 0);
        }
        LOG.warn("no CUDA execution provider available: running on the CPU");
        return Device.CPU;
    }
  }

  private void checkFloatInputs() {
    if (inputs.isEmpty() || !inputs.stream().allMatch(t -> t.type().equals("FLOAT"))) {
      throw GraftException.unsupported(
          label + ": graft serves models with float inputs; this one has " + inputs);
    }
  }

  /** "2 inputs (wide_input, deep_input)", for messages. */
  private String inputsText() {
    return inputs.size()
        + " input"
        + (inputs.size() == 1 ? "" : "s")
        + " ("
        + String.join(", ", inputs.stream().map(TensorInfo::name).toList())
        + ")";
  }

  private void checkSingleInput() {
    if (inputs.size() != 1) {
      throw GraftException.unsupported(
          label + ": has " + inputsText() + ": give one array per input (run)");
    }
  }

  private static List<TensorInfo> describe(Map<String, NodeInfo> infos) {
    List<TensorInfo> list = new ArrayList<>();
    for (NodeInfo info : infos.values()) {
      ValueInfo v = info.getInfo();
      if (v instanceof ai.onnxruntime.TensorInfo t) {
        OnnxTensorType type = t.onnxType;
        list.add(
            new TensorInfo(
                info.getName(),
                t.getShape(),
                type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "")));
      } else {
        list.add(new TensorInfo(info.getName(), new long[0], v.toString()));
      }
    }
    return List.copyOf(list);
  }

  /**
   * The output classes' names the model file records (graft writes them from labels.txt, folder
   * names or --labels); empty when it records none.
   */
  public List<String> classNames() {
    String names = metadata(dev.graft.MetadataKeys.CLASS_NAMES);
    return names == null || names.isEmpty() ? List.of() : List.of(names.split("\n", -1));
  }

  /** How images become this model's input ("crop+tf"), as graft recorded it; null if unknown. */
  public String preprocessing() {
    return metadata(dev.graft.MetadataKeys.PREPROCESSING);
  }

  private String metadata(String key) {
    try {
      return session.getMetadata().getCustomMetadata().get(key);
    } catch (OrtException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE, label + ": cannot read the model's metadata", e);
    }
  }

  public List<TensorInfo> inputs() {
    return inputs;
  }

  public List<TensorInfo> outputs() {
    return outputs;
  }

  public Device device() {
    return device;
  }

  /** Shape of one example (input shape without the batch dimension). */
  public long[] exampleShape() {
    long[] s = input.shape();
    return java.util.Arrays.copyOfRange(s, 1, s.length);
  }

  public long inputSize() {
    return input.exampleSize();
  }

  /**
   * Runs n examples given as n * inputSize() floats, row after row; returns the first output, flat.
   */
  public float[] predict(float[] batch, int n) {
    checkLength(batch.length, n);
    FloatBuffer buf = scratch(batch.length);
    buf.put(batch, 0, batch.length).flip();
    return predict(buf, n);
  }

  /** As {@link #predict(float[], int)}; a direct buffer is read in place, without a copy. */
  public float[] predict(FloatBuffer batch, int n) {
    checkSingleInput();
    checkLength(batch.remaining(), n);
    long[] shape = batchShape(input, n);
    return runFirstOutput(
        batch,
        shape,
        y -> {
          FloatBuffer out = y.getFloatBuffer();
          float[] values = new float[out.remaining()];
          out.get(values);
          return values;
        });
  }

  /**
   * Runs the session on one input and reads its first output, under the read lock: close() takes
   * the write lock, so it waits for runs in flight, and runs after it fail cleanly (a session freed
   * under a running call killed the JVM in ONNX Runtime).
   */
  private <T> T runFirstOutput(
      FloatBuffer batch, long[] shape, java.util.function.Function<OnnxTensor, T> read) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw GraftException.usage(label + ": the model was closed");
      }
      try (OnnxTensor x = OnnxTensor.createTensor(env, batch, shape);
          OrtSession.Result result = session.run(Map.of(input.name(), x))) {
        return read.apply((OnnxTensor) result.get(0));
      } catch (OrtException e) {
        throw new GraftException(
            GraftException.Kind.FAILURE,
            label + ": ONNX Runtime failed: " + firstLine(e.getMessage()),
            e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Runs n examples with one array per model input, in the order of {@link #inputs} (each n times
   * that input's example size floats); returns every output, flat, in the order of {@link
   * #outputs}. For models with several inputs or outputs.
   */
  public List<float[]> run(List<float[]> batches, int n) {
    return runAll(
        batches,
        n,
        result -> {
          List<float[]> out = new ArrayList<>();
          for (int j = 0; j < outputs.size(); j++) {
            FloatBuffer y = ((OnnxTensor) result.get(j)).getFloatBuffer();
            float[] values = new float[y.remaining()];
            y.get(values);
            out.add(values);
          }
          return out;
        });
  }

  /** What {@code read} takes from the session's result on one array per input. */
  private <T> T runAll(List<float[]> batches, int n, OrtRead<T> read) {
    if (batches.size() != inputs.size()) {
      throw GraftException.usage(
          label + ": has " + inputsText() + ", " + batches.size() + " arrays were given");
    }
    lock.readLock().lock();
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      if (closed) {
        throw GraftException.usage(label + ": the model was closed");
      }
      for (int i = 0; i < inputs.size(); i++) {
        TensorInfo info = inputs.get(i);
        long[] shape = batchShape(info, n);
        if (n < 1 || (long) n * info.exampleSize() != batches.get(i).length) {
          throw GraftException.usage(
              label
                  + ": input "
                  + info.name()
                  + " expects "
                  + n
                  + " examples of "
                  + info.exampleSize()
                  + " values, got "
                  + batches.get(i).length
                  + " values");
        }
        feed.put(
            info.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(batches.get(i)), shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        return read.apply(result);
      }
    } catch (OrtException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE,
          label + ": ONNX Runtime failed: " + firstLine(e.getMessage()),
          e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
      lock.readLock().unlock();
    }
  }

  @FunctionalInterface
  private interface OrtRead<T> {
    T apply(OrtSession.Result result) throws OrtException;
  }

  /** The first output's shape for a batch of n zero examples, as ONNX Runtime computes it. */
  public long[] outputShape(int n) {
    if (inputs.size() > 1) {
      List<float[]> zeros = new ArrayList<>();
      inputs.forEach(i -> zeros.add(new float[(int) (n * i.exampleSize())]));
      return runAll(zeros, n, result -> ((OnnxTensor) result.get(0)).getInfo().getShape());
    }
    checkSingleInput();
    long[] shape = input.shape().clone();
    shape[0] = n;
    FloatBuffer zeros = scratch((int) (n * inputSize()));
    zeros.put(new float[(int) (n * inputSize())]).flip();
    return runFirstOutput(zeros, shape, y -> y.getInfo().getShape());
  }

  /** An input's shape for a batch of n; graft feeds fixed example shapes only. */
  private long[] batchShape(TensorInfo info, int n) {
    long[] shape = info.shape().clone();
    shape[0] = n;
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] < 0) {
        throw GraftException.unsupported(
            label
                + ": input "
                + info.name()
                + " dimension "
                + d
                + " is dynamic; graft needs fixed example shapes");
      }
    }
    return shape;
  }

  private void checkLength(int length, int n) {
    if (n < 1 || (long) n * inputSize() != length) {
      throw GraftException.usage(
          label
              + ": expected "
              + n
              + " examples of "
              + inputSize()
              + " values ("
              + java.util.Arrays.toString(exampleShape())
              + "), got "
              + length
              + " values");
    }
  }

  private FloatBuffer scratch(int floats) {
    FloatBuffer buf = scratch.get();
    if (buf == null || buf.capacity() < floats) {
      buf = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      scratch.set(buf);
    }
    buf.clear();
    return buf;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.strip().lines().findFirst().orElse("");
  }

  /** Waits for calls in flight, then frees the session; later calls fail with a clear error. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE, label + ": cannot close the session", e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
