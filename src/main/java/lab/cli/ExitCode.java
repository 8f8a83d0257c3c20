package lab.cli;

/** The process exit codes, the same for every command (README "Exit codes"). */
public final class ExitCode {
    public static final int OK = 0;
    /** A check failed: the cluster did not do what was expected. */
    public static final int CHECK_FAILED = 1;
    /** Bad input: usage, spec, scenario, user-data. */
    public static final int BAD_INPUT = 2;
    /** A verdict could not be reached. */
    public static final int UNKNOWN = 3;
    /** The environment is missing something or provisioning failed. */
    public static final int ENVIRONMENT = 4;
    public static final int INTERNAL = 5;

    private ExitCode() {
    }
}
