package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A command that runs out of memory ends with one line and exit 3, not a stack trace and exit 1.
 */
class OutOfMemoryTest {
  @Command(name = "greedy")
  static final class Greedy implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void outOfMemoryIsOneLineAndExitThree() {
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(new Greedy())
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err));
    assertEquals(3, Graft.execute(cli, false));
    String text = err.toString().strip();
    assertTrue(text.startsWith("graft: out of memory"), text);
    assertEquals(1, text.lines().count(), text);
    assertFalse(text.contains("\tat "), text);
  }
}
