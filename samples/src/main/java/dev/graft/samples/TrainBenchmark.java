package dev.graft.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.converter.Network;
import dev.graft.trainer.DenseSpec;
import dev.graft.trainer.DenseStack;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.Optimizer;
import dev.graft.trainer.Trainer;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One training epoch of model A on task A's images, batch 32, SGD 1e-3: graft's trainer (with
 * {@code graft train}'s JVM settings unless GRAFT_JAVA_OPTS says otherwise) and PyTorch on one
 * thread (scripts/torch_epoch_benchmark.py), side by side in one run, medians over several epochs;
 * then graft's peak resident memory over 20 epochs. The first epochs (--warmup, default 2) are
 * timed and printed but left out of the medians: the JIT compiles DL4J's code during them (graft's
 * first epoch takes about 1.6x a later one), which a steady-state comparison should not count;
 * PyTorch gets the same warm-up. Debian's python3-torch calls the system BLAS: without OpenBLAS
 * installed (libopenblas0-pthread) it runs the reference BLAS, about 8x slower, which the output
 * shows.
 *
 * <p>Run: {@code samples/run TrainBenchmark [--epochs 5] [--warmup 2] [--memory-epochs 20]}
 */
public final class TrainBenchmark {
  public static void main(String[] args) throws Exception {
    int epochs = Samples.intOption(args, "--epochs", 5);
    int memoryEpochs = Samples.intOption(args, "--memory-epochs", 20);
    int warmup = Samples.intOption(args, "--warmup", 2);
    TaskData data = TaskData.of(FashionMnist.load(null), Task.preset("all-but-sandal-shirt"));
    int n = data.train().size();
    Network model =
        DenseStack.build(
            "model_a",
            784,
            DenseStack.chapterHidden(),
            new DenseSpec(8, "softmax"),
            Optimizer.sgd(1e-3),
            1);
    List<EpochStats> graft =
        Trainer.train(model, data, warmup + epochs, 32, 1, TrainingListener.NONE);
    double[] graftAll = graft.stream().mapToDouble(e -> e.millis() / 1000.0).toArray();
    double[] graftSeconds = Arrays.copyOfRange(graftAll, warmup, graftAll.length);
    double[] torchAll = torch(n, warmup + epochs);
    double[] torch =
        torchAll == null ? null : Arrays.copyOfRange(torchAll, warmup, torchAll.length);
    System.out.printf(
        "one epoch of model A on %,d images, batch 32, SGD (medians of %d epochs after %d warm-up epochs):%n",
        n, epochs, warmup);
    System.out.printf(
        "  graft (DL4J, OMP_NUM_THREADS=%s, JavaCPP pointer GC %s, max heap %d MB): %.2f s   %s, warm-up %s%n",
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        Boolean.getBoolean("org.bytedeco.javacpp.nopointergc") ? "off" : "on",
        Runtime.getRuntime().maxMemory() >> 20,
        Samples.median(graftSeconds),
        Arrays.toString(graftSeconds),
        Arrays.toString(Arrays.copyOf(graftAll, warmup)));
    if (torch != null) {
      System.out.printf(
          "  PyTorch, one thread:       %.2f s   %s, warm-up %s%n",
          Samples.median(torch),
          Arrays.toString(torch),
          Arrays.toString(Arrays.copyOf(torchAll, warmup)));
      System.out.printf(
          "  ratio graft / PyTorch: %.2f (target: at most 1.5)%n",
          Samples.median(graftSeconds) / Samples.median(torch));
    }
    List<String> rss = new java.util.ArrayList<>();
    Trainer.train(
        model,
        data,
        memoryEpochs,
        32,
        2,
        new TrainingListener() {
          @Override
          public void epochDone(EpochStats stats) {
            if (stats.epoch() % 5 == 0) {
              rss.add(stats.epoch() + ": " + status("VmRSS:"));
            }
          }
        });
    System.out.printf(
        "resident memory over %d more epochs (every 5th): %s; peak %s%n",
        memoryEpochs, rss, status("VmHWM:"));
  }

  private static double[] torch(int n, int epochs) throws IOException, InterruptedException {
    Path script = Path.of("scripts/torch_epoch_benchmark.py");
    if (!Files.exists(script)) {
      System.out.println("  (PyTorch side skipped: run from the project root)");
      return null;
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                "/usr/bin/python3", script.toString(), String.valueOf(n), String.valueOf(epochs))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      System.out.println("  (PyTorch side failed: is Debian's python3-torch installed?)");
      return null;
    }
    JsonNode j = new ObjectMapper().readTree(out);
    System.out.println("  PyTorch's BLAS: " + j.path("blas").asText("?"));
    double[] t = new double[j.get("epoch_seconds").size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = j.get("epoch_seconds").get(i).asDouble();
    }
    return t;
  }

  /** A line of /proc/self/status, e.g. VmRSS: (resident now) or VmHWM: (peak resident). */
  private static String status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return line.substring(key.length()).trim();
        }
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }
}
