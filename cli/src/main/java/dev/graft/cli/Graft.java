package dev.graft.cli;

import dev.graft.GraftException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The graft command. Each subcommand is a thin layer over the library; errors map to exit codes
 * here.
 */
@Command(
    name = "graft",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "Reuse pretrained networks (Keras .h5 and .keras, DL4J .zip, ONNX): inspect, evaluate, freeze and "
            + "fine-tune, train from a spec, convert, predict.",
    subcommands = {
      InspectCommand.class,
      EvalCommand.class,
      FinetuneCommand.class,
      TrainCommand.class,
      LrFindCommand.class,
      ConvertCommand.class,
      PredictCommand.class,
      CacheCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n")
public final class Graft implements Runnable {
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces of errors and library logging.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command (see graft --help)");
  }

  public static void main(String[] args) {
    SerialFence.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (never exits: tests call this). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, printing to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    CommandLine cli = new CommandLine(new Graft()).setOut(out).setErr(err);
    cli.getCommandSpec().usageMessage().exitCodeList(dev.graft.ErrorReport.EXIT_CODES);
    return execute(cli, verbose, args);
  }

  /**
   * Runs a command line with graft's error reporting. Running out of memory is reported as bad
   * input (exit 3) in one line: what exhausts the heap is a model or data file that asks for more
   * than it should (a hostile one), or a legitimate one too large for the heap graft was given.
   */
  static int execute(CommandLine cli, boolean verbose, String... args) {
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> report(e, commandLine.getErr(), verbose));
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      PrintWriter err = cli.getErr();
      err.println(
          "graft: out of memory: the input needs more than the "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB this JVM may use (a file declaring absurd sizes, or a large one: raise -Xmx"
              + " in GRAFT_JAVA_OPTS)");
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return GraftException.Kind.BAD_INPUT.exitCode();
    }
  }

  static int report(Exception e, PrintWriter err, boolean verbose) {
    return dev.graft.ErrorReport.print(e, err, verbose, Flags.OF_PARAMETER);
  }
}
