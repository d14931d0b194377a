package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files are untrusted on Spark too: the hostile ONNX corpus (external data pointing out of
 * the folder, beside it, up the tree), a truncated model and a web page saved as .onnx are refused
 * by every graft spark command before Spark starts: one line, exit 3, no stack trace, no output.
 */
@Tag("acceptance") // 15 JVM starts: about 30 s
class SparkHostileModelsTest {
  @TempDir Path tmp;

  @Test
  void everySparkCommandRefusesHostileModelsInOneLine() throws Exception {
    Path photos = SharedModels.require("teachable-machine/dog-cat/images");
    List<Path> models = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/hostile"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".onnx")).sorted().toList()) {
        Path folder = Files.createDirectories(tmp.resolve(p.getFileName() + ".d"));
        models.add(Files.copy(p, folder.resolve(p.getFileName())));
      }
    }
    Path a = tmp.resolve("a.onnx");
    Path h5 = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    assertEquals(0, Cli.run("convert", h5.toString(), a.toString()).exitCode());
    byte[] whole = Files.readAllBytes(a);
    models.add(Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length / 2)));
    models.add(
        Files.write(
            tmp.resolve("page.onnx"),
            "<!DOCTYPE html><html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8)));
    assertTrue(models.size() >= 5, "" + models);
    for (Path model : models) {
      Path out = tmp.resolve("out");
      List<List<String>> commands =
          List.of(
              List.of(
                  "predict",
                  model.toString(),
                  "--input",
                  photos.toString(),
                  "--output",
                  out.resolve("p.csv").toString()),
              List.of(
                  "featurize",
                  model.toString(),
                  "--data",
                  photos.toString(),
                  "--output",
                  out.resolve("f.parquet").toString()),
              List.of(
                  "finetune",
                  model.toString(),
                  "--data",
                  photos.toString(),
                  "--out",
                  out.resolve("m.onnx").toString()));
      for (List<String> args : commands) {
        SparkCli r = SparkCli.run(args.toArray(String[]::new));
        String what = args.get(0) + " " + model.getFileName() + ": " + r.err();
        assertEquals(3, r.exitCode(), what);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + what);
        assertTrue(r.err().startsWith("graft: "), what);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + what);
        assertFalse(Files.exists(out), "no output: " + what);
      }
    }
  }
}
