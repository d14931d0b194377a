package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft spark} against {@code graft} on one machine, on the same files: Teachable Machine's
 * dog-cat model (converted to ONNX by graft) on its authors' photos, and the chapter's model A on
 * Fashion-MNIST arrays. Spark runs with two local cores ({@code local[2]}); LocalClusterTest in the
 * spark module runs executors in separate JVMs.
 */
class SparkTest {
  @TempDir static Path shared;
  @TempDir Path tmp;

  private static Path tm;
  private static Path photos;

  @BeforeAll
  static void convert() {
    Path h5 = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    photos = h5.resolveSibling("images");
    tm = shared.resolve("dog-cat.onnx");
    Cli c = Cli.run("convert", h5.toString(), tm.toString());
    assertEquals(0, c.exitCode(), c.err());
  }

  @Test
  void predictWritesTheCsvGraftPredictWrites() throws Exception {
    Path single = tmp.resolve("single.csv");
    Cli one =
        Cli.run(
            "predict", tm.toString(), "--input", photos.toString(), "--output", single.toString());
    assertEquals(0, one.exitCode(), one.err());
    Path spark = tmp.resolve("spark.csv");
    SparkCli s =
        SparkCli.run(
            "predict",
            tm.toString(),
            "--input",
            photos.toString(),
            "--output",
            spark.toString(),
            "--master",
            "local[2]",
            "--batch-size",
            "7",
            "--json");
    assertEquals(0, s.exitCode(), s.err());
    // same files, same order, same classes, the same probabilities to the last printed digit
    assertEquals(Files.readAllLines(single), Files.readAllLines(spark));
    assertEquals(60, s.json().get("n").asInt());
    assertEquals(1, s.json().get("skipped").asInt(), "the SOURCES.tsv beside the photos");
  }

  @Test
  @Tag("acceptance") // three Spark runs: about a minute
  void aFileSystemUriIsListedThroughHadoopAsTheFolderIs() throws Exception {
    Path single = tmp.resolve("single.csv");
    Cli one =
        Cli.run(
            "predict", tm.toString(), "--input", photos.toString(), "--output", single.toString());
    assertEquals(0, one.exitCode(), one.err());
    String uri = photos.toUri().toString(); // file:///.../images/
    Path spark = tmp.resolve("uri.csv");
    SparkCli s =
        SparkCli.run(
            "predict",
            tm.toString(),
            "--input",
            uri,
            "--output",
            spark.toString(),
            "--master",
            "local[2]",
            "--json");
    assertEquals(0, s.exitCode(), s.err());
    assertEquals(1, s.json().get("skipped").asInt(), "SOURCES.tsv, recognised by content");
    List<String> a = Files.readAllLines(single);
    List<String> b = Files.readAllLines(spark);
    assertEquals(a.size(), b.size());
    for (int i = 1; i < a.size(); i++) {
      // the same rows, named by the URI as given
      String file = a.get(i).substring(0, a.get(i).indexOf(','));
      String rest = a.get(i).substring(file.length());
      assertEquals(uri + photos.relativize(Path.of(file)) + rest, b.get(i));
    }
    // the same seeded split through either listing, and the cache is keyed by content, not path
    Path cache = tmp.resolve("cache");
    SparkCli viaUri =
        SparkCli.run(
            "finetune",
            tm.toString(),
            "--data",
            uri,
            "--out",
            tmp.resolve("u.onnx").toString(),
            "--cache-dir",
            cache.toString(),
            "--master",
            "local[2]",
            "--json");
    assertEquals(0, viaUri.exitCode(), viaUri.err());
    SparkCli viaPath =
        SparkCli.run(
            "finetune",
            tm.toString(),
            "--data",
            photos.toString(),
            "--out",
            tmp.resolve("p.onnx").toString(),
            "--cache-dir",
            cache.toString(),
            "--master",
            "local[2]",
            "--json");
    assertEquals(0, viaPath.exitCode(), viaPath.err());
    assertTrue(viaPath.json().get("cache_hits").asBoolean(), viaPath.out());
    assertEquals(viaUri.json().get("test_accuracy"), viaPath.json().get("test_accuracy"));
  }

  @Test
  @Tag("acceptance") // four Spark runs and two fine-tunes: about 2 minutes
  void headsOnModelAMatchTheDl4jHeadAndTheStitchedModelEvaluatesAsReported() throws Exception {
    ChapterReuseTest.requireData();
    Path npz = FashionArrays.dir().resolve("shirt_sandal.npz");
    Path a = tmp.resolve("a.onnx");
    Path h5 = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    assertEquals(0, Cli.run("convert", h5.toString(), a.toString()).exitCode());
    Path cache = tmp.resolve("cache");
    Cli dl4j =
        Cli.run(
            "finetune",
            a.toString(),
            "--data",
            npz.toString(),
            "--out",
            tmp.resolve("dl4j.onnx").toString(),
            "--cache-dir",
            cache.toString(),
            "--json");
    assertEquals(0, dl4j.exitCode(), dl4j.err());
    Path out = tmp.resolve("spark.onnx");
    String[] args = {
      "finetune",
      a.toString(),
      "--data",
      npz.toString(),
      "--out",
      out.toString(),
      "--cache-dir",
      cache.toString(),
      "--master",
      "local[2]",
      "--json"
    };
    SparkCli first = SparkCli.run(args);
    assertEquals(0, first.exitCode(), first.err());
    JsonNode j = first.json();
    for (String key :
        new String[] {"test_accuracy", "test_loss", "epochs", "n", "cut", "cache_hits", "out"}) {
      assertTrue(j.has(key), "graft finetune's --json key " + key + ": " + j);
    }
    assertEquals(2000, j.get("n").asInt());
    assertEquals(dl4j.json().get("cut").asText(), j.get("cut").asText());
    double spark = j.get("test_accuracy").asDouble();
    double dl4jAcc = dl4j.json().get("test_accuracy").asDouble();
    assertTrue(Math.abs(spark - dl4jAcc) <= 0.01, "MLlib " + spark + " vs DL4J " + dl4jAcc);
    assertFalse(j.get("cache_hits").asBoolean());
    // the stitched file, run by graft in one process, scores what Spark reported
    Cli eval = Cli.run("eval", out.toString(), "--data", npz.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(spark, eval.json().get("accuracy").asDouble(), 1e-9);
    assertEquals(j.get("test_loss").asDouble(), eval.json().get("loss").asDouble(), 1e-5);
    // a second run finds the features by content; the perceptron head trains on them
    SparkCli again = SparkCli.run(append(args, "--hidden", "32"));
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.json().get("cache_hits").asBoolean(), again.out());
    assertTrue(again.json().get("test_accuracy").asDouble() >= dl4jAcc - 0.01, again.out());
  }

  @Test
  @Tag("acceptance") // two Spark runs over MobileNet: about a minute
  void headOnTeachableMachineTrunkMatchesTheDl4jHead() {
    Cli dl4j =
        Cli.run(
            "finetune",
            tm.toString(),
            "--data",
            photos.toString(),
            "--out",
            tmp.resolve("dl4j.onnx").toString(),
            "--cache-dir",
            tmp.resolve("c1").toString(),
            "--json");
    assertEquals(0, dl4j.exitCode(), dl4j.err());
    SparkCli s =
        SparkCli.run(
            "finetune",
            tm.toString(),
            "--data",
            photos.toString(),
            "--out",
            tmp.resolve("spark.onnx").toString(),
            "--cache-dir",
            tmp.resolve("c2").toString(),
            "--master",
            "local[2]",
            "--json");
    assertEquals(0, s.exitCode(), s.err());
    int n = s.json().get("n").asInt();
    assertEquals(dl4j.json().get("n").asInt(), n, "the same seeded validation photos");
    double spark = s.json().get("test_accuracy").asDouble();
    double dl4jAcc = dl4j.json().get("test_accuracy").asDouble();
    // 12 validation photos: one photo is 8 points, so "within 1 point" reads "at most one photo"
    assertTrue(spark >= dl4jAcc - 1.0 / n - 1e-9, "MLlib " + spark + " vs DL4J " + dl4jAcc);
    Cli eval =
        Cli.run(
            "predict",
            tmp.resolve("spark.onnx").toString(),
            "--input",
            photos.toString(),
            "--output",
            tmp.resolve("p.csv").toString(),
            "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(
        "crop+tf 224x224x3",
        eval.json().get("preprocessing").asText(),
        "the stitched model carries Teachable Machine's preprocessing");
  }

  @Test
  @Tag("acceptance") // five Spark runs: about a minute
  void aCorruptImageIsNamedAndLeavesNoOutputOrIsSkippedAndCounted() throws Exception {
    Path dir = tmp.resolve("photos");
    Path cats = Files.createDirectories(dir.resolve("Cat"));
    Path dogs = Files.createDirectories(dir.resolve("Dog"));
    try (Stream<Path> s = Files.list(photos.resolve("Cat"))) {
      for (Path p : s.sorted().limit(4).toList()) {
        Files.copy(p, cats.resolve(p.getFileName()));
      }
    }
    try (Stream<Path> s = Files.list(photos.resolve("Dog"))) {
      for (Path p : s.sorted().limit(4).toList()) {
        Files.copy(p, dogs.resolve(p.getFileName()));
      }
    }
    Path good;
    try (Stream<Path> s = Files.list(cats)) {
      good = s.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(good);
    Path bad = cats.resolve("truncated.jpg");
    Files.write(bad, Arrays.copyOf(bytes, bytes.length / 3));
    Path out = tmp.resolve("out.parquet");
    SparkCli stop =
        SparkCli.run(
            "predict",
            tm.toString(),
            "--input",
            dir.toString(),
            "--output",
            out.toString(),
            "--master",
            "local[2]");
    assertEquals(3, stop.exitCode(), stop.err());
    String last = stop.err().strip().lines().reduce((x, y) -> y).orElse("");
    assertTrue(last.startsWith("graft: ") && last.contains(bad.toString()), stop.err());
    assertFalse(stop.err().contains("\tat "), "no stack trace for a bad file: " + stop.err());
    assertFalse(Files.exists(out), "no partial output");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().contains("out.parquet")).count());
    }
    SparkCli skip =
        SparkCli.run(
            "predict",
            tm.toString(),
            "--input",
            dir.toString(),
            "--output",
            out.toString(),
            "--master",
            "local[2]",
            "--skip-bad",
            "--json");
    assertEquals(0, skip.exitCode(), skip.err());
    assertEquals(8, skip.json().get("n").asInt());
    assertEquals(1, skip.json().get("unreadable_images_skipped").asInt());
    assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
    // graft predict on one machine stops, or skips and counts, alike; the rows kept are the same
    Cli single =
        Cli.run(
            "predict",
            tm.toString(),
            "--input",
            dir.toString(),
            "--output",
            tmp.resolve("single.csv").toString());
    assertEquals(3, single.exitCode(), single.err());
    assertTrue(single.err().contains(bad.toString()), single.err());
    Cli singleSkip =
        Cli.run(
            "predict",
            tm.toString(),
            "--input",
            dir.toString(),
            "--output",
            tmp.resolve("single.csv").toString(),
            "--skip-bad",
            "--json");
    assertEquals(0, singleSkip.exitCode(), singleSkip.err());
    assertEquals(1, singleSkip.json().get("unreadable_images_skipped").asInt());
    SparkCli skipCsv =
        SparkCli.run(
            "predict",
            tm.toString(),
            "--input",
            dir.toString(),
            "--output",
            tmp.resolve("spark.csv").toString(),
            "--master",
            "local[2]",
            "--skip-bad");
    assertEquals(0, skipCsv.exitCode(), skipCsv.err());
    assertEquals(
        Files.readAllLines(tmp.resolve("single.csv")),
        Files.readAllLines(tmp.resolve("spark.csv")));
    String[] finetuneArgs = {
      "finetune",
      tm.toString(),
      "--data",
      dir.toString(),
      "--out",
      tmp.resolve("x.onnx").toString(),
      "--cache-dir",
      tmp.resolve("c").toString(),
      "--master",
      "local[2]"
    };
    SparkCli finetune = SparkCli.run(finetuneArgs);
    assertEquals(3, finetune.exitCode(), finetune.err());
    assertTrue(finetune.err().contains(bad.toString()), finetune.err());
    assertFalse(Files.exists(tmp.resolve("x.onnx")));
    SparkCli finetuneSkip = SparkCli.run(append(finetuneArgs, "--skip-bad", "--json"));
    assertEquals(0, finetuneSkip.exitCode(), finetuneSkip.err());
    assertEquals(1, finetuneSkip.json().get("unreadable_images_skipped").asInt());
  }

  /** A JSON file, read. */
  private static final class Json {
    static JsonNode read(Path file) {
      try {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
