package lab.api;

/**
 * Why an operation on a lab did not happen or did not come true: a bad argument (an unknown node, no leader to
 * select), something the machine lacks (no etcd binary, an address in use), etcd refusing, or a wait that ran out
 * (its message then ends with the lab's status table). The only exception type {@link EtcdLab} throws of its own.
 */
public class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for a person */
    public LabException(String message) {
        super(message);
    }

    /**
     * @param message what happened, for a person
     * @param cause the engine's exception
     */
    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
