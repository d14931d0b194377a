package dev.graft.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a separate JVM with the CLI's full class path, as the launcher does. */
final class GraftJvm {
  private GraftJvm() {}

  static String classPath() throws IOException {
    // runtime-classpath.txt is written by the cli module's build (maven-dependency-plugin
    // build-classpath).
    Path cli = Path.of("..", "cli", "target").toAbsolutePath().normalize();
    return String.join(
        File.pathSeparator,
        List.of(
            Path.of("target", "test-classes").toAbsolutePath().toString(),
            cli.resolve("classes").toString(),
            Files.readString(cli.resolve("runtime-classpath.txt")).strip()));
  }

  static ProcessBuilder builder(String mainClass, String... args) throws IOException {
    return builder(List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.nopointergc=true"), mainClass, args);
  }

  /** A child JVM with these JVM options (the launcher's differ by command). */
  static ProcessBuilder builder(List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb;
  }

  /** The graft command in a child JVM. */
  static ProcessBuilder graft(String... args) throws IOException {
    return builder("dev.graft.cli.Graft", args);
  }
}
