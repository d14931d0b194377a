package dev.graft.spark.cli;

import dev.graft.ErrorReport;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code graft spark ...}: graft's frozen-trunk workflow on Apache Spark. The graft launcher runs
 * this in a JVM of its own, on Spark's class path and without DL4J; spark-submit runs it from the
 * shaded jar. Errors are reported as by the graft command: one line, exit 2 (usage), 3 (bad or
 * unsupported input) or 1.
 */
@Command(
    name = "graft spark",
    mixinStandardHelpOptions = true,
    description =
        "Predict, featurize and fine-tune heads on Apache Spark: an embedded local[*] Spark by"
            + " default, a cluster with --master URL or under spark-submit.",
    subcommands = {
      PredictCommand.class,
      FeaturizeCommand.class,
      FinetuneCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n")
public final class SparkMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command (see graft spark --help)");
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line and returns its exit code (never exits: tests call this). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    CommandLine cli = new CommandLine(new SparkMain()).setOut(out).setErr(err);
    cli.getCommandSpec().usageMessage().exitCodeList(dev.graft.ErrorReport.EXIT_CODES);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> ErrorReport.print(e, commandLine.getErr(), verbose));
    return cli.execute(args);
  }
}
