package dev.graft.cli;

/**
 * graft reports what matters itself; DL4J and ND4J log a lot at INFO. slf4j-simple reads its
 * settings from system properties, which must be set before the first logger is made.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    // It warns, on every start, that the pointer GC is off: graft's launcher turns it off on
    // purpose.
    setDefault(
        "org.slf4j.simpleLogger.log.org.nd4j.linalg.api.memory.deallocation.DeallocatorService",
        "error");
    // jHDF warns about every HDF5 feature it skips; graft turns what matters into its own errors.
    setDefault("org.slf4j.simpleLogger.log.io.jhdf", "error");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
