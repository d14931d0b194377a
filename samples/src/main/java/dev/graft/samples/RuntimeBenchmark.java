package dev.graft.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.data.FashionMnist;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch-1 latency and batch-256 throughput of model A through graft's runtime API, raw ONNX Runtime
 * with a reused direct input buffer, raw ONNX Runtime with a tensor built from a heap float[] per
 * call, and DL4J. The variants alternate within each round; medians over rounds.
 *
 * <p>Run: {@code samples/run RuntimeBenchmark [MODEL_A.h5] [--rounds 7]}
 */
public final class RuntimeBenchmark {
  public static void main(String[] args) throws Exception {
    Path model =
        Path.of(
            args.length > 0 && !args[0].startsWith("--")
                ? args[0]
                : "../shared/models/keras2/chapter11/my_model_A__keras-2.4.0.h5");
    int rounds = Samples.intOption(args, "--rounds", 7);
    Network network = ModelLoader.load(model);
    byte[] onnxBytes = OnnxExporter.export(network, ExportOptions.defaults()).toByteArray();
    float[] images = Arrays.copyOf(FashionMnist.load(null).test().pixels(), 256 * 784);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxModel graft = OnnxModel.load(onnxBytes, dev.graft.runtime.ModelOptions.defaults());
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession raw = env.createSession(onnxBytes, so)) {
      FloatBuffer direct =
          ByteBuffer.allocateDirect(256 * 784 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      Map<String, IntConsumer> variants = new LinkedHashMap<>();
      variants.put(
          "graft OnnxModel.predict(float[])",
          n -> graft.predict(Arrays.copyOf(images, n * 784), n));
      variants.put("raw ORT, reused direct buffer", n -> runRaw(env, raw, direct, images, n, true));
      variants.put(
          "raw ORT, tensor from heap float[]", n -> runRaw(env, raw, direct, images, n, false));
      variants.put(
          "DL4J MultiLayerNetwork.output",
          n ->
              network.outputFlat(
                  Nd4j.create(Arrays.copyOf(images, n * 784), new long[] {n, 784}, 'c')));

      Map<String, double[]> latency = new LinkedHashMap<>();
      Map<String, double[]> throughput = new LinkedHashMap<>();
      variants
          .keySet()
          .forEach(
              k -> {
                latency.put(k, new double[rounds]);
                throughput.put(k, new double[rounds]);
              });
      for (var e : variants.entrySet()) { // warm-up
        time(e.getValue(), 1, 2000);
        time(e.getValue(), 256, 50);
      }
      for (int r = 0; r < rounds; r++) {
        for (var e : variants.entrySet()) {
          latency.get(e.getKey())[r] = time(e.getValue(), 1, 2000) * 1e6;
          throughput.get(e.getKey())[r] = 256 / time(e.getValue(), 256, 40);
        }
      }
      System.out.printf("model %s, %d rounds, medians%n", model.getFileName(), rounds);
      System.out.printf("%-36s %14s %16s%n", "variant", "batch 1 (us)", "batch 256 (img/s)");
      for (String k : variants.keySet()) {
        System.out.printf(
            "%-36s %14.1f %16.0f%n",
            k, Samples.median(latency.get(k)), Samples.median(throughput.get(k)));
      }
      String g = "graft OnnxModel.predict(float[])";
      String best = "raw ORT, reused direct buffer";
      System.out.printf(
          "graft / raw reused buffer: latency %.2fx, throughput %.2fx%n",
          Samples.median(latency.get(g)) / Samples.median(latency.get(best)),
          Samples.median(throughput.get(best)) / Samples.median(throughput.get(g)));
    }
  }

  private static void runRaw(
      OrtEnvironment env,
      OrtSession session,
      FloatBuffer direct,
      float[] images,
      int n,
      boolean reuse) {
    try {
      OnnxTensor x;
      if (reuse) {
        direct.clear();
        direct.put(images, 0, n * 784).flip();
        x = OnnxTensor.createTensor(env, direct, new long[] {n, 28, 28});
      } else {
        x =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(Arrays.copyOf(images, n * 784)), new long[] {n, 28, 28});
      }
      try (x;
          OrtSession.Result r = session.run(Map.of("input", x))) {
        ((OnnxTensor) r.get(0)).getFloatBuffer();
      }
    } catch (ai.onnxruntime.OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Seconds per call. */
  private static double time(IntConsumer call, int batch, int calls) {
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.accept(batch);
    }
    return (System.nanoTime() - start) / 1e9 / calls;
  }
}
