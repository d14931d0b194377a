package dev.graft.fuzz;

import dev.graft.GraftException;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelSummary;
import dev.graft.data.Npy;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.runtime.OnnxSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The fuzz harness: mutates real model files and feeds them to every reader graft has, in this JVM,
 * counting the outcomes: imported, a clean graft error, or anything else (another exception type, a
 * hang). A JVM death ends the run, which is the point: it must never happen. The full campaign is
 * the sample {@code samples/run FuzzModels}; FuzzSmokeTest runs a short one.
 */
public final class FuzzModels {
  static final long TIMEOUT_SECONDS = 30;

  /** Outcome counts of one format, with the first example of each unexpected kind. */
  public record Report(
      String format,
      int files,
      int imported,
      int clean,
      Map<String, Integer> other,
      Map<String, String> examples) {
    public int anythingElse() {
      return other.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  interface Reader {
    void read(Path file) throws Exception;
  }

  /** The formats fuzzed, in report order. */
  public static final List<String> FORMATS =
      List.of("keras-h5", "keras-v3", "dl4j-zip", "onnx", "npy");

  /**
   * {@code shared}: the shared models folder; {@code onnxFixtures}: the PyTorch exports graft's
   * ONNX importer is tested on (e2e/src/test/resources/onnx); {@code crafted}: a folder of hostile
   * files made by scripts/make_hdf5_link_files.py (HDF5 links, cycles, deep groups), used as extra
   * seeds, or null; {@code formats}: which of {@link #FORMATS} to fuzz.
   */
  public static List<Report> run(
      Path shared,
      Path onnxFixtures,
      Path crafted,
      int perFormat,
      long seed,
      Path work,
      List<String> formats)
      throws IOException {
    List<Report> reports = new ArrayList<>();
    Reader importAndSummarize = file -> ModelSummary.of(ModelLoader.load(file));
    if (formats.contains("keras-h5")) {
      List<byte[]> h5Seeds = new ArrayList<>(seeds(shared.resolve("keras2"), ".h5", 12));
      h5Seeds.addAll(seeds(shared.resolve("keras3-h5"), ".h5", 4));
      if (crafted != null) {
        h5Seeds.addAll(seeds(crafted, ".h5", 10));
      }
      reports.add(
          fuzz(
              "keras-h5",
              h5Seeds,
              perFormat,
              seed,
              work,
              ".h5",
              FuzzModels::mutateBytes,
              importAndSummarize));
    }
    if (formats.contains("keras-v3")) {
      List<byte[]> kerasSeeds = new ArrayList<>(seeds(shared.resolve("keras3"), ".keras", 2));
      if (crafted != null) {
        kerasSeeds.addAll(seeds(crafted, ".keras", 4));
      }
      reports.add(
          fuzz(
              "keras-v3",
              kerasSeeds,
              perFormat,
              seed,
              work,
              ".keras",
              ZipMutations::mutate,
              importAndSummarize));
    }
    if (formats.contains("dl4j-zip")) {
      reports.add(
          fuzz(
              "dl4j-zip",
              dl4jSeeds(shared, work),
              perFormat,
              seed,
              work,
              ".zip",
              ZipMutations::mutate,
              importAndSummarize));
    }
    if (formats.contains("onnx")) {
      // ONNX's own test models, and the PyTorch exports graft's importer is tested on (from the
      // project root).
      if (!Files.isDirectory(onnxFixtures)) {
        throw new IOException("no ONNX fixtures folder " + onnxFixtures.toAbsolutePath());
      }
      List<byte[]> onnxSeeds =
          new ArrayList<>(seeds(Path.of("/usr/share/libonnx-testdata/data"), "model.onnx", 60));
      onnxSeeds.addAll(seeds(onnxFixtures, ".onnx", 20));
      reports.add(
          fuzz(
              "onnx",
              onnxSeeds,
              perFormat,
              seed,
              work,
              ".onnx",
              OnnxMutations::mutate,
              FuzzModels::readOnnx));
    }
    if (formats.contains("npy")) {
      reports.add(
          fuzz(
              "npy",
              NpyMutations.seeds(),
              perFormat,
              seed,
              work,
              ".npy",
              NpyMutations::mutate,
              Npy::read));
    }
    return reports;
  }

  private static void readOnnx(Path file) {
    var model = OnnxSummary.parse(file);
    OnnxSummary.of(model);
    GraphCut.cutPoints(model);
    try (OnnxModel m = OnnxModel.load(file, ModelOptions.defaults())) {
      m.inputs();
    }
    ModelSummary.of(ModelLoader.load(file)); // the importer to trainable DL4J layers
  }

  /**
   * DL4J zips written by graft from the chapter's Keras models (a dense stack and one with
   * dropout).
   */
  private static List<byte[]> dl4jSeeds(Path shared, Path work) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String name : List.of("my_model_A__keras-2.9.0.h5", "alpha_dropout__keras-2.9.0.h5")) {
      Path h5 = shared.resolve("keras2/chapter11").resolve(name);
      if (Files.exists(h5)) {
        Path zip = work.resolve("seed-" + name + ".zip");
        dev.graft.converter.dl4j.Dl4jZip.write(ModelLoader.load(h5), zip, null);
        out.add(Files.readAllBytes(zip));
        Files.delete(zip);
      }
    }
    return out;
  }

  private static List<byte[]> seeds(Path dir, String suffix, int max) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(
                  p ->
                      p.getFileName().toString().endsWith(suffix)
                          && !p.toString().contains("_inputs_and_outputs")
                          && !p.toString().contains("custom_layer"))
              .sorted()
              .toList();
    }
    List<byte[]> out = new ArrayList<>();
    int step = Math.max(1, files.size() / max);
    for (int i = 0; i < files.size() && out.size() < max; i += step) {
      out.add(Files.readAllBytes(files.get(i)));
    }
    return out;
  }

  interface Mutator {
    byte[] mutate(byte[] original, Random rng) throws IOException;
  }

  private static Report fuzz(
      String format,
      List<byte[]> seeds,
      int n,
      long seed,
      Path work,
      String suffix,
      Mutator mutator,
      Reader reader)
      throws IOException {
    Random rng = new Random(seed ^ format.hashCode());
    int imported = 0;
    int clean = 0;
    Map<String, Integer> other = new TreeMap<>();
    Map<String, String> examples = new LinkedHashMap<>();
    if (seeds.isEmpty()) {
      return new Report(format + " (no seed files)", 0, 0, 0, other, examples);
    }
    ExecutorService pool = readerThread();
    for (int i = 0; i < n; i++) {
      byte[] mutated = mutator.mutate(seeds.get(rng.nextInt(seeds.size())), rng);
      Path file = work.resolve(format + "-" + i + suffix);
      Files.write(file, mutated);
      Future<?> f =
          pool.submit(
              () -> {
                reader.read(file);
                return null;
              });
      String kind = null;
      try {
        f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        imported++;
      } catch (TimeoutException e) {
        kind = "hang (> " + TIMEOUT_SECONDS + " s)";
        f.cancel(true);
        pool.shutdownNow();
        pool = readerThread();
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof GraftException) {
          clean++;
        } else {
          kind = e.getCause().getClass().getName();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (kind != null) {
        other.merge(kind, 1, Integer::sum);
        if (examples.putIfAbsent(kind, file.toString()) == null) {
          continue; // keep the first example of each kind for a look
        }
      }
      Files.deleteIfExists(file);
    }
    pool.shutdownNow();
    return new Report(format, n, imported, clean, other, examples);
  }

  /** Readers run on a daemon thread: one that hangs is abandoned and cannot keep the JVM alive. */
  private static ExecutorService readerThread() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-reader");
          t.setDaemon(true);
          return t;
        });
  }

  /** A few random bytes changed in the first 8 KiB (where headers live), or the file truncated. */
  static byte[] mutateBytes(byte[] original, Random rng) {
    byte[] b = original.clone();
    if (rng.nextInt(5) == 0) {
      return java.util.Arrays.copyOf(b, rng.nextInt(Math.max(1, b.length)));
    }
    int edits = 1 + rng.nextInt(8);
    int window = Math.min(b.length, 8192);
    for (int e = 0; e < edits; e++) {
      int at = rng.nextInt(window);
      b[at] =
          switch (rng.nextInt(4)) {
            case 0 -> (byte) rng.nextInt(256);
            case 1 -> (byte) (b[at] ^ (1 << rng.nextInt(8)));
            case 2 -> (byte) 0xff;
            default -> 0;
          };
    }
    return b;
  }
}
