package dev.graft.samples;

import dev.graft.GraftException;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.data.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tries every Keras file under a folder as a new user would: imports it and, when it imports,
 * compares its outputs on fixed inputs with the independent NumPy forward pass
 * (scripts/keras3_forward.py). Prints one line per file and the totals the README's import table
 * quotes.
 *
 * <pre>samples/run ImportSweep [../shared/models]</pre>
 */
public final class ImportSweep {
  private static final Path ORACLE = Path.of("scripts", "keras3_forward.py");

  private ImportSweep() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "../shared/models");
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras"))
              // the DL4J suite's recorded activations and split weights are not models
              .filter(p -> !p.toString().endsWith("_inputs_and_outputs.h5"))
              .filter(p -> !p.toString().endsWith("_weights.h5"))
              .sorted()
              .toList();
    }
    TreeMap<String, Integer> totals = new TreeMap<>();
    Path tmp = Files.createTempDirectory("graft-sweep");
    for (Path file : files) {
      String outcome = outcome(file, tmp);
      String kind = outcome.substring(0, outcome.indexOf(':'));
      totals.merge(kind, 1, Integer::sum);
      System.out.println(root.relativize(file) + "  " + outcome);
    }
    System.out.println();
    System.out.println(files.size() + " files: " + totals);
  }

  /** "match: ...", "differs: ...", "no-oracle: ...", or "refused: <message>". */
  private static String outcome(Path file, Path tmp) {
    Network network;
    try {
      network = ModelLoader.load(file);
    } catch (GraftException e) {
      return "refused: " + e.getMessage().replace(file.toString() + ": ", "");
    }
    try {
      List<INDArray> xs = new ArrayList<>();
      Random random = new Random(7);
      for (long[] shape : network.inputShapes()) {
        xs.add(input(network, shape, random));
      }
      INDArray[] ys = network.outputs(xs.toArray(INDArray[]::new));
      List<float[]> expected = oracle(file, xs, ys.length, tmp);
      if (expected == null) {
        return "no-oracle: imported; the NumPy pass does not run this file";
      }
      double worst = 0;
      for (int i = 0; i < ys.length; i++) {
        float[] y = ys[i].dup('c').data().asFloat();
        float[] e = expected.get(i);
        if (y.length != e.length) {
          return "differs: output " + i + " has " + y.length + " values, NumPy " + e.length;
        }
        for (int k = 0; k < y.length; k++) {
          worst = Math.max(worst, Math.abs(y[k] - e[k]));
        }
      }
      return (worst <= 1e-4 ? "match" : "differs") + String.format(": max |diff| %.2e", worst);
    } catch (RuntimeException e) {
      return "error: " + e;
    }
  }

  /** Two examples: token ids below the vocabulary for an Embedding input, else uniform [-1, 1). */
  private static INDArray input(Network network, long[] shape, Random random) {
    long[] full = Network.batchShape(shape, 2);
    float[] values =
        new float[(int) (2 * java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
    long vocabulary = 0;
    if (network.isSequential()
        && network.layers().get(0).conf().getLayer() instanceof EmbeddingSequenceLayer e) {
      vocabulary = e.getNIn();
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = vocabulary > 0 ? random.nextInt((int) vocabulary) : random.nextFloat() * 2 - 1;
    }
    return Nd4j.create(values, full, 'c').castTo(DataType.FLOAT);
  }

  private static List<float[]> oracle(Path file, List<INDArray> xs, int outputs, Path tmp)
      throws RuntimeException {
    try {
      List<String> in = new ArrayList<>();
      for (INDArray x : xs) {
        Path p = Files.createTempFile(tmp, "x", ".npy");
        Npy.write(p, x.dup('c').data().asFloat(), x.shape());
        in.add(p.toString());
      }
      List<Path> out = new ArrayList<>();
      for (int i = 0; i < outputs; i++) {
        out.add(Files.createTempFile(tmp, "y", ".npy"));
      }
      Process p =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  ORACLE.toString(),
                  file.toString(),
                  String.join(",", in),
                  String.join(",", out.stream().map(Path::toString).toList()))
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      List<float[]> ys = new ArrayList<>();
      for (Path y : out) {
        ys.add(Npy.read(y).data());
      }
      return log == null ? null : ys;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
