package dev.graft.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code graft spark ...} as the launcher does: the jar users give spark-submit, in a JVM of
 * its own on Spark's jars alone (no DL4J), with Spark's Java 17 options; keeps what it printed. A
 * run that does not end within five minutes is killed and fails the test: a hung job is a defect.
 */
record SparkCli(int exitCode, String out, String err) {
  static final Path TARGET = Path.of("..", "spark", "target").toAbsolutePath().normalize();

  static SparkCli run(String... args) {
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx2g");
      String options =
          Files.readString(TARGET.resolve("classes/dev/graft/spark/java-options.txt")).strip();
      command.addAll(List.of(options.split("\\s+")));
      command.add(
          "-Dlog4j2.configurationFile="
              + TARGET.resolve("../launcher/log4j2.properties").normalize());
      command.add("-cp");
      command.add(
          TARGET.resolve("graft-spark-submit.jar")
              + File.pathSeparator
              + Files.readString(
                      TARGET.resolve("../cluster/target/spark-classpath.txt").normalize())
                  .strip());
      command.add("dev.graft.spark.cli.SparkMain");
      command.addAll(List.of(args));
      Path out = Files.createTempFile("graft-spark", ".out");
      Path err = Files.createTempFile("graft-spark", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // a run without --cache-dir keeps its features in a folder of its own, not ~/.cache
      Path cache = Files.createTempDirectory("graft-spark-cache");
      pb.environment().put("GRAFT_CACHE_DIR", cache.toString());
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("graft spark " + String.join(" ", args) + ": still running");
      }
      SparkCli r = new SparkCli(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      org.apache.commons.io.FileUtils.deleteDirectory(cache.toFile());
      return r;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  JsonNode json() {
    try {
      return new ObjectMapper().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
    }
  }
}
