package lab.spec;

/**
 * The machine lacks something the command needs (a binary, a permission, a free port) or provisioning failed.
 * The CLI maps it to exit code 4. It lives beside {@link BadInputException} because every layer throws both.
 */
public class EnvironmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
