package lab.spec;

/**
 * {@code security: {tls: true, client-cert-auth: true, auth: true}}: TLS on every client and peer link of the lab's
 * etcd, with certificates from the lab's own CA; with client-cert-auth, etcd refuses clients without a certificate of
 * that CA; with auth, etcd's users and roles are on (a root user and a workload user {@code lab}, passwords made by
 * `lab up` and kept in {@code .lab/<name>/auth.json}).
 */
public record Security(boolean tls, boolean clientCertAuth, boolean auth) {
    public static Security none() {
        return new Security(false, false, false);
    }
}
