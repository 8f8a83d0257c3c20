package lab.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's CA and certificates, checked by the JDK's own PKIX validator, as etcd's Go TLS would check them. */
class PkiTest {
    @TempDir
    Path dir;

    @Test
    void aNodeCertificateChainsToTheLabsCaWithItsAddressesAndKeysArePrivate() throws Exception {
        Pki pki = Pki.create(dir.resolve("pki"), "sec");
        pki.issue("core-01", List.of("core-01", "localhost"), List.of("172.17.8.101", "127.1.8.101", "127.0.0.1"));
        X509Certificate ca = pki.certificate(Pki.CA);
        X509Certificate node = pki.certificate("core-01");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(node)), params); // throws when it does not chain
        Set<String> sans = node.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1)))
                .collect(Collectors.toSet());
        assertEquals(Set.of("core-01", "localhost", "172.17.8.101", "127.1.8.101", "127.0.0.1"), sans);
        assertTrue(node.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
                "serves and dials peers: server and client auth");
        assertEquals(-1, node.getBasicConstraints(), "not a CA");
        assertEquals("O=lab,CN=core-01", node.getSubjectX500Principal().getName());
        // lab's own client: no CommonName, which etcd 3.4's gateway refuses once auth is on (embed/serve.go)
        assertEquals("O=lab,OU=lab client", pki.certificate(Pki.CLIENT).getSubjectX500Principal().getName());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is one");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.dir())));
        for (String k : List.of(Pki.CA, Pki.CLIENT, "core-01")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.keyFile(k))),
                    k + ".key");
        }
        // another lab's CA does not vouch for it
        X509Certificate other = Pki.create(dir.resolve("other"), "other").certificate(Pki.CA);
        PKIXParameters wrong = new PKIXParameters(Set.of(new TrustAnchor(other, null)));
        wrong.setRevocationEnabled(false);
        assertThrows(java.security.cert.CertPathValidatorException.class, () -> CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(node)), wrong));
        pki.context("core-01"); // the JDK reads the key and chain back
    }
}
