package dev.graft.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session graft's jobs run in: the master given, else the one spark-submit set, else an
 * embedded {@code local[*]}. An embedded session has no web UI (no port to bind) and logs warnings
 * only.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** {@code master}: a Spark master URL, or null. */
  public static SparkSession open(String master, String appName) {
    SparkConf conf = new SparkConf(); // spark.* system properties: what spark-submit set
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setAppName(appName);
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    SparkSession session = SparkSession.builder().config(conf).getOrCreate();
    session.sparkContext().setLogLevel("WARN");
    return session;
  }

  /**
   * Stops a session once no task runs any more: after a job failed on one partition, the others'
   * tasks are cancelled and their ends awaited (at most 30 s), so none reports to a scheduler that
   * is shutting down (Spark logs those races as errors with stack traces).
   */
  public static void close(SparkSession session) {
    var sc = session.sparkContext();
    sc.cancelAllJobs();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && running(sc) > 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    session.stop();
  }

  private static int running(org.apache.spark.SparkContext sc) {
    int n = 0;
    for (var e : sc.statusTracker().getExecutorInfos()) {
      n += e.numRunningTasks();
    }
    return n;
  }
}
