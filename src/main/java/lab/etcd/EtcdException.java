package lab.etcd;

/** An etcd request failed: unreachable, timed out, or refused by the cluster (the message says which). */
public class EtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EtcdException(String message) {
        super(message);
    }

    public EtcdException(String message, Throwable cause) {
        super(message, cause);
    }
}
