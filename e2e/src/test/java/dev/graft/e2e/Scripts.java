package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The project's committed Python scripts (scripts/), run with Debian's python3 by tests. */
final class Scripts {
  private Scripts() {}

  /**
   * Runs scripts/NAME with these arguments and fails the test unless it exits 0 within 2 minutes.
   */
  static void run(String name, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/python3");
    command.add(Path.of("..", "scripts", name).toAbsolutePath().toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " hung");
    assertEquals(0, p.exitValue(), name + ": " + output);
  }
}
