package lab.etcd;

/**
 * An etcd request failed, and how: the member could not be reached, did not answer in time, or answered with a
 * refusal in etcd's own words ({@link #etcdError()}, e.g. "etcdserver: unhealthy cluster", from etcd's
 * api/v3rpc/rpctypes/error.go, which is what clients match on).
 */
public class EtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request failed. */
    public enum Kind {
        /** no connection (refused, reset, no route) */
        UNREACHABLE,
        /** connected, but no answer within the request's timeout */
        TIMEOUT,
        /** the member answered, with an error */
        REFUSED
    }

    private final Kind kind;
    private final String etcdError;

    public EtcdException(String message) {
        this(message, Kind.REFUSED, "", null);
    }

    public EtcdException(String message, Throwable cause) {
        this(message, Kind.UNREACHABLE, "", cause);
    }

    public EtcdException(String message, Kind kind, String etcdError, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.etcdError = etcdError == null ? "" : etcdError;
    }

    public Kind kind() {
        return kind;
    }

    /** etcd's error text for a refusal (empty otherwise). */
    public String etcdError() {
        return etcdError;
    }

    /** Whether another member might answer where this one did not (unreachable or silent, not a refusal). */
    public boolean tryAnother() {
        return kind != Kind.REFUSED;
    }
}
