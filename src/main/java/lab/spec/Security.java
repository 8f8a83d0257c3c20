package lab.spec;

/**
 * {@code security: {tls: true, client-cert-auth: true}}: TLS on every client and peer link of the lab's etcd, with
 * certificates from the lab's own CA; with client-cert-auth, etcd refuses clients without a certificate of that CA.
 */
public record Security(boolean tls, boolean clientCertAuth) {
    public static Security none() {
        return new Security(false, false);
    }
}
