package lab.transport;

import lab.spec.EnvironmentException;

/** A node could not be reached, refused us, or a command did not finish in time: an environment problem (exit 4). */
public class TransportException extends EnvironmentException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
