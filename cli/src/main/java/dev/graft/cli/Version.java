package dev.graft.cli;

import picocli.CommandLine;

/** Version from the jar manifest (set by the build). */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Graft.class.getPackage().getImplementationVersion();
    return new String[] {"graft " + (v == null ? "(development build)" : v)};
  }
}
