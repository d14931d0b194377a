package dev.graft.samples;

import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.data.ImageDecoder;
import dev.graft.data.ImageFiles;
import dev.graft.data.Preprocessing;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.CachedFineTuner;
import dev.graft.trainer.data.ExampleStream;
import dev.graft.trainer.data.ImageExamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Images per second through graft's image pipeline (decode, centre crop, Lanczos resize to 224, tf
 * scaling: what Teachable Machine's models take) on a pool of T threads, and through the frozen
 * trunk of a Teachable Machine model (MobileNetV2, exported to ONNX and cut below its head, in ONNX
 * Runtime with T threads), batches of 32: the two steps that fill the activation cache. The peer is
 * scripts/torch_image_bench.py (torchvision's ImageFolder and a DataLoader with T workers, PIL,
 * MobileNetV2 in PyTorch) on the same folder. Medians of several runs, each over the folder {@code
 * --repeat} times. A third figure runs both as finetune does: decoding on a pool a few batches
 * ahead while the trunk runs ({@code ImageExamples}; the peer: the DataLoader's workers feeding the
 * model).
 *
 * <p>Run from the project root: {@code samples/run ImageThroughputBenchmark [--dir DIR] [--model
 * keras_model.h5] [--threads 2] [--runs 5] [--repeat 5]}
 */
public final class ImageThroughputBenchmark {
  private static final int BATCH = 32;

  public static void main(String[] args) throws Exception {
    Path dir =
        Path.of(
            Samples.stringOption(
                args, "--dir", "../shared/models/teachable-machine/dog-cat/images"));
    Path modelFile =
        Path.of(
            Samples.stringOption(
                args, "--model", "../shared/models/teachable-machine/dog-cat/keras_model.h5"));
    int threads = Samples.intOption(args, "--threads", 2);
    int runs = Samples.intOption(args, "--runs", 5);
    int repeat = Samples.intOption(args, "--repeat", 5);
    List<Path> files = images(dir);
    Preprocessing pre = Preprocessing.teachableMachine(224, 224, 3);
    int d = 224 * 224 * 3;

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    double[] decode = new double[runs];
    float[] last = null;
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      for (int k = 0; k < repeat; k++) {
        last = prepare(files, pre, d, pool);
      }
      decode[r] = files.size() * repeat / ((System.nanoTime() - start) / 1e9);
    }
    pool.shutdown();

    Network network = ModelLoader.load(modelFile);
    ModelProto onnx = OnnxExporter.export(network, ExportOptions.defaults());
    String cut = OnnxExporter.layerOutput(onnx, CachedFineTuner.belowHead(network));
    byte[] trunk = GraphCut.cut(onnx, cut).trunk().toByteArray();
    double[] forward = new double[runs];
    try (OnnxModel m =
        OnnxModel.load(trunk, ModelOptions.builder().intraOpThreads(threads).build())) {
      m.predict(Arrays.copyOf(last, BATCH * d), BATCH); // warm up
      for (int r = 0; r < runs; r++) {
        long start = System.nanoTime();
        int n = 0;
        for (int k = 0; k < repeat; k++) {
          for (int from = 0; from < files.size(); from += BATCH) {
            int m2 = Math.min(BATCH, files.size() - from);
            m.predict(Arrays.copyOfRange(last, from * d, (from + m2) * d), m2);
            n += m2;
          }
        }
        forward[r] = n / ((System.nanoTime() - start) / 1e9);
      }
    }
    // both steps as finetune runs them: images decoded on a pool (one thread per core) a few
    // batches
    // ahead while the trunk runs the batch before
    ImageExamples streamed =
        ImageExamples.unlabelled(files, pre, new long[] {224, 224, 3}, false, dir.toString());
    double[] pipeline = new double[runs];
    try (OnnxModel m =
        OnnxModel.load(trunk, ModelOptions.builder().intraOpThreads(threads).build())) {
      for (int r = 0; r < runs; r++) {
        long start = System.nanoTime();
        for (int k = 0; k < repeat; k++) {
          streamed.through(m::predict, BATCH, ExampleStream.Progress.NONE);
        }
        pipeline[r] = files.size() * repeat / ((System.nanoTime() - start) / 1e9);
      }
    }
    System.out.printf(
        "graft, %d images x %d, %d threads: decode+crop+resize+scale %.1f images/s (median of %d"
            + " runs: %s); MobileNetV2 trunk in ONNX Runtime %.1f images/s (%s); both, streamed as"
            + " finetune fills the cache, %.1f images/s (%s)%n",
        files.size(),
        repeat,
        threads,
        median(decode),
        runs,
        format(decode),
        median(forward),
        format(forward),
        median(pipeline),
        format(pipeline));
  }

  private static float[] prepare(List<Path> files, Preprocessing pre, int d, ExecutorService pool)
      throws Exception {
    float[] x = new float[files.size() * d];
    List<Future<?>> jobs = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      int at = i;
      jobs.add(
          pool.submit(
              () ->
                  System.arraycopy(pre.apply(ImageDecoder.read(files.get(at))), 0, x, at * d, d)));
    }
    for (Future<?> f : jobs) {
      f.get();
    }
    return x;
  }

  private static List<Path> images(Path dir) throws Exception {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> classes = Files.list(dir)) {
      for (Path c : classes.filter(Files::isDirectory).sorted().toList()) {
        out.addAll(ImageFiles.collect(c).files());
      }
    }
    return out;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String format(double[] v) {
    return Arrays.stream(v).mapToObj(x -> String.format("%.1f", x)).toList().toString();
  }
}
