package lab.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by Maven), or "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = LabCommand.class.getPackage().getImplementationVersion();
        return new String[] {"lab " + (v == null ? "dev" : v)};
    }
}
