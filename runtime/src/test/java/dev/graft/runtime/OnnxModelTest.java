package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.graft.GraftException;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle is ONNX's own test data: each single-input float operator test in libonnx-testdata,
 * run through OnnxModel, must give the recorded output.
 */
class OnnxModelTest {
  static final Path NODE = Path.of("/usr/share/libonnx-testdata/data/node");

  @TempDir Path tmp;

  /** A recorded test case: model, its input and expected output. */
  record Case(Path model, float[] input, long[] inputShape, float[] output) {}

  static Case load(Path dir) throws IOException {
    TensorProto in =
        TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb")));
    TensorProto out =
        TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb")));
    return new Case(
        dir.resolve("model.onnx"),
        floats(in),
        in.getDimsList().stream().mapToLong(Long::longValue).toArray(),
        floats(out));
  }

  static float[] floats(TensorProto t) {
    if (t.getFloatDataCount() > 0) {
      float[] v = new float[t.getFloatDataCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatData(i);
      }
      return v;
    }
    FloatBuffer fb =
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return v;
  }

  /** Node tests with exactly one float input, one float output and a batch-like first dimension. */
  static List<Path> singleInputCases() throws IOException {
    assumeTrue(
        Files.isDirectory(NODE),
        "skipped: " + NODE + " missing (apt-get install libonnx-testdata)");
    List<Path> cases = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(NODE)) {
      for (Path dir : dirs.sorted().toList()) {
        Path model = dir.resolve("model.onnx");
        // Random operators (Bernoulli, RandomNormalLike, ...) cannot reproduce another
        // implementation's draws.
        String name = dir.getFileName().toString();
        if (!Files.exists(model)
            || !Files.exists(dir.resolve("test_data_set_0/input_0.pb"))
            || name.contains("bernoulli")
            || name.contains("random")) {
          continue;
        }
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
        var g = m.getGraph();
        if (g.getInputCount() == 1
            && g.getOutputCount() == 1
            && g.getInitializerCount() == 0
            && g.getInput(0).getType().getTensorType().getElemType()
                == TensorProto.DataType.FLOAT_VALUE
            && g.getOutput(0).getType().getTensorType().getElemType()
                == TensorProto.DataType.FLOAT_VALUE
            && g.getInput(0).getType().getTensorType().getShape().getDimCount() >= 1) {
          cases.add(dir);
        }
      }
    }
    return cases;
  }

  @Test
  void reproducesOnnxRecordedOutputs() throws IOException {
    List<Path> cases = singleInputCases();
    int passed = 0;
    List<String> failures = new ArrayList<>();
    for (Path dir : cases) {
      Case c = load(dir);
      int n = (int) c.inputShape()[0];
      try (OnnxModel model = OnnxModel.load(c.model())) {
        float[] y = model.predict(c.input(), n);
        if (y.length != c.output().length) {
          failures.add(
              dir.getFileName() + ": " + y.length + " values, expected " + c.output().length);
          continue;
        }
        // float32 error grows with the size of the values computed (a DFT sums many): scale by the
        // largest.
        double scale = 1;
        for (float e : c.output()) {
          scale = Float.isFinite(e) ? Math.max(scale, Math.abs(e)) : scale;
        }
        for (int i = 0; i < y.length; i++) {
          if (Math.abs(y[i] - c.output()[i]) > 1e-4 * scale
              && !(Float.isNaN(y[i]) && Float.isNaN(c.output()[i]))) {
            failures.add(dir.getFileName() + " at " + i + ": " + y[i] + " vs " + c.output()[i]);
            break;
          }
        }
        passed++;
      } catch (GraftException e) {
        // Operators this ONNX Runtime build lacks, or dynamic example shapes: not what this test is
        // about.
        if (!e.getMessage().contains("cannot load") && !e.getMessage().contains("dynamic")) {
          throw e;
        }
      }
    }
    System.out.printf(
        "libonnx-testdata node cases with one float input: %d run through OnnxModel%n", passed);
    assertTrue(passed > 100, "only " + passed + " cases ran");
    assertEquals(List.of(), failures);
  }

  /**
   * close() while 8 threads predict in a loop: calls in flight finish with ONNX's recorded output,
   * calls after it fail with a clear error, and the JVM lives (it died in ONNX Runtime on a freed
   * session).
   */
  @Test
  void closeWhileOtherThreadsPredict() throws Exception {
    Case c = load(NODE.resolve("test_sigmoid"));
    assumeTrue(Files.exists(c.model()));
    int n = (int) c.inputShape()[0];
    OnnxModel model =
        OnnxModel.load(
            Files.readAllBytes(c.model()), ModelOptions.builder().intraOpThreads(1).build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    java.util.concurrent.atomic.AtomicInteger good =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      workers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  try {
                    assertArrayEquals(c.output(), model.predict(c.input(), n), 1e-6f);
                    good.incrementAndGet();
                  } catch (GraftException e) {
                    assertTrue(e.getMessage().contains("was closed"), e.getMessage());
                    refused.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    while (good.get() < 1000) {
      Thread.sleep(1);
    }
    model.close();
    for (Future<?> w : workers) {
      w.get();
    }
    pool.shutdown();
    model.close(); // closing twice is harmless
    assertTrue(good.get() >= 1000 && refused.get() > 0, good + " ran, " + refused + " refused");
    GraftException after = assertThrows(GraftException.class, () -> model.predict(c.input(), n));
    assertTrue(after.getMessage().contains("was closed"), after.getMessage());
  }

  @Test
  void directBuffersAndManyThreads() throws Exception {
    Case c = load(NODE.resolve("test_sigmoid"));
    assumeTrue(Files.exists(c.model()));
    int n = (int) c.inputShape()[0];
    try (OnnxModel model =
        OnnxModel.load(
            Files.readAllBytes(c.model()), ModelOptions.builder().intraOpThreads(1).build())) {
      FloatBuffer direct =
          ByteBuffer.allocateDirect(c.input().length * 4)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      direct.put(c.input()).flip();
      assertArrayEquals(c.output(), model.predict(direct, n), 1e-6f);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<float[]>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        results.add(pool.submit(() -> model.predict(c.input(), n)));
      }
      for (Future<float[]> f : results) {
        assertArrayEquals(c.output(), f.get(), 1e-6f);
      }
      pool.shutdown();
      assertEquals(
          List.of(3L, 4L, 5L),
          java.util.Arrays.stream(model.inputs().get(0).shape()).boxed().toList());
    }
  }

  @Test
  void clearErrors() throws IOException {
    Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
    GraftException bad = assertThrows(GraftException.class, () -> OnnxModel.load(junk));
    assertEquals(GraftException.Kind.BAD_INPUT, bad.kind());
    assertTrue(bad.getMessage().startsWith(junk.toString()), bad.getMessage());
    assertEquals(
        GraftException.Kind.BAD_INPUT,
        assertThrows(GraftException.class, () -> OnnxModel.load(tmp.resolve("none.onnx"))).kind());
    Case c = load(NODE.resolve("test_sigmoid"));
    try (OnnxModel model = OnnxModel.load(c.model())) {
      GraftException size =
          assertThrows(GraftException.class, () -> model.predict(new float[7], 1));
      assertEquals(GraftException.Kind.USAGE, size.kind());
    }
  }

  static boolean noCuda() {
    return !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  static boolean cudaAvailable() {
    return !noCuda();
  }

  @Test
  @EnabledIf("noCuda")
  void askingForCudaWithoutItIsClearAndAutoFallsBack() throws IOException {
    Case c = load(NODE.resolve("test_sigmoid"));
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> OnnxModel.load(c.model(), ModelOptions.builder().device("cuda").build()));
    assertEquals(GraftException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
    try (OnnxModel auto =
        OnnxModel.load(c.model(), ModelOptions.builder().device("auto").build())) {
      assertEquals(Device.CPU, auto.device());
    }
  }

  /** Runs only where ONNX Runtime has the CUDA provider (mvn -Pcuda on a GPU machine). */
  @Test
  @EnabledIf("cudaAvailable")
  void cudaMatchesRecordedOutputs() throws IOException {
    Case c = load(NODE.resolve("test_sigmoid"));
    try (OnnxModel gpu =
        OnnxModel.load(c.model(), ModelOptions.builder().device("cuda:0").build())) {
      assertEquals(Device.Kind.CUDA, gpu.device().kind());
      assertArrayEquals(c.output(), gpu.predict(c.input(), (int) c.inputShape()[0]), 1e-5f);
    }
  }
}
