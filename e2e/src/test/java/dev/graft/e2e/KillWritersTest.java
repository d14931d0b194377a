package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.AtomicWrite;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.SharedModels;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes, killed with SIGKILL at random points: the folder never holds a partial
 * output under its real name, only complete files or graft's own temporary files, which the next
 * write into the folder removes.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class KillWritersTest {
  private static final int KILLS = 4;

  @TempDir Path tmp;

  private final Random rng = new Random(20261124);

  @Test
  void convertToOnnx() throws Exception {
    Path base = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path out = tmp.resolve("out/a.onnx");
    killLoop(out, true, "convert", base.toString(), out.toString());
  }

  @Test
  void finetuneKerasBase() throws Exception {
    Path base = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path out = tmp.resolve("out/b.zip");
    killLoop(
        out,
        false,
        "finetune",
        base.toString(),
        "--task",
        "shirt-vs-sandal",
        "--freeze-epochs",
        "1",
        "--epochs",
        "1",
        "--out",
        out.toString());
  }

  @Test
  void finetuneOnnxBaseWithItsCache() throws Exception {
    Path keras = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path base = tmp.resolve("a.onnx");
    assertEquals(0, Cli.run("convert", keras.toString(), base.toString()).exitCode());
    Path out = tmp.resolve("out/c.onnx"); // an ONNX base gives an ONNX model (trunk + new head)
    Path cache = tmp.resolve("out/cache");
    killLoop(
        out,
        false,
        "finetune",
        base.toString(),
        "--task",
        "shirt-vs-sandal",
        "--freeze-epochs",
        "1",
        "--epochs",
        "1",
        "--cache-dir",
        cache.toString(),
        "--out",
        out.toString());
    Cli ls = Cli.run("cache", "ls", "--cache-dir", cache.toString(), "--json");
    assertEquals(0, ls.exitCode(), ls.err());
  }

  /**
   * Runs the command once to learn how long it takes, then kills it {@link #KILLS} times at random
   * points of that span (checking the folder after each; a run that ends before its kill shortens
   * the span), then runs it to the end once more.
   */
  private void killLoop(Path target, boolean deterministic, String... args) throws Exception {
    Path folder = Files.createDirectories(target.getParent());
    long started = System.nanoTime();
    run(args, Long.MAX_VALUE);
    long millis = (System.nanoTime() - started) / 1_000_000;
    byte[] first = deterministic ? Files.readAllBytes(target) : null;
    Files.delete(target);
    int killedBeforeDone = 0;
    int leftPartial = 0;
    for (int i = 0; i < KILLS; i++) {
      long at = (long) (millis * (0.3 + 0.8 * rng.nextDouble()));
      long t0 = System.nanoTime();
      if (!run(args, at)) {
        killedBeforeDone++;
      } else {
        // it finished first: the first run was slow (a loaded machine, cold caches); aim at this
        // run's length from now on
        millis = Math.min(millis, (System.nanoTime() - t0) / 1_000_000);
      }
      if (checkNames(folder)) {
        leftPartial++;
      }
      if (Files.exists(target)) {
        verifyComplete(target, first);
      }
    }
    assertTrue(killedBeforeDone > 0, "no kill landed before the command finished");
    System.out.printf(
        "graft %s: %d of %d kills before the end, %d left a temporary file (run: %d ms)%n",
        args[0], killedBeforeDone, KILLS, leftPartial, millis);
    run(args, Long.MAX_VALUE);
    verifyComplete(target, first);
    try (Stream<Path> all = Files.walk(folder)) {
      List<Path> partial =
          all.filter(p -> p.getFileName().toString().endsWith(AtomicWrite.SUFFIX)).toList();
      assertEquals(List.of(), partial, "a completed write removes what killed writers left");
    }
  }

  /**
   * Runs the command in a child JVM; kills it after {@code killAfterMillis}. True when it finished
   * by itself.
   */
  private static boolean run(String[] args, long killAfterMillis) throws Exception {
    Path log = Files.createTempFile("graft-kill", ".log");
    Process p = GraftJvm.graft(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (p.waitFor(Math.min(killAfterMillis, 300_000), TimeUnit.MILLISECONDS)) {
      assertEquals(
          0, p.exitValue(), "graft " + String.join(" ", args) + "\n" + Files.readString(log));
      Files.delete(log);
      return true;
    }
    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
    p.waitFor();
    Files.delete(log);
    return false;
  }

  /**
   * Only complete outputs under their real names, else graft's temporary files (true when there are
   * some).
   */
  private static boolean checkNames(Path folder) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> all = Files.walk(folder)) {
      all.filter(Files::isRegularFile).forEach(p -> names.add(folder.relativize(p).toString()));
    }
    for (String name : names) {
      String file = Path.of(name).getFileName().toString();
      assertTrue(
          file.endsWith(AtomicWrite.SUFFIX) && file.startsWith(".") || !file.startsWith("."),
          "unexpected file " + name + " in " + names);
    }
    return names.stream().anyMatch(n -> n.endsWith(AtomicWrite.SUFFIX));
  }

  /**
   * A complete output: loads, and for a deterministic command it is the same bytes as an
   * uninterrupted run's.
   */
  private static void verifyComplete(Path target, byte[] first) throws IOException {
    String name = target.getFileName().toString();
    if (first != null) {
      assertArrayEquals(first, Files.readAllBytes(target));
    }
    if (name.endsWith(".onnx")) {
      try (OnnxModel m = OnnxModel.load(target)) {
        assertEquals(784, m.inputSize());
      }
    } else {
      ModelLoader.load(target);
      Path sidecar = dev.graft.trainer.FineTuneRecord.sidecar(target);
      if (Files.exists(sidecar)) {
        new ObjectMapper().readTree(sidecar.toFile());
      }
    }
  }
}
