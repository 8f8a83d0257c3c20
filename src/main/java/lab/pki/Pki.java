package lab.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import lab.spec.EnvironmentException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A lab's own certificate authority and the certificates it issues, as PEM files in {@code .lab/<name>/pki/}: the
 * CA ({@code ca.crt}, {@code ca.key}), one certificate per node ({@code <node>.crt}/{@code .key}, for its client and
 * peer listeners and as its peer client certificate) and one for lab's own tools ({@code client.crt}/{@code .key}).
 * Keys are ECDSA P-256 (as cfssl's default for etcd's guide), files 0600. Certificates are built with Bouncy
 * Castle's PKIX (the JDK has no public API to make them); the JDK reads and uses them.
 */
public final class Pki {
    public static final String CA = "ca";
    public static final String CLIENT = "client";
    private static final Duration VALID = Duration.ofDays(3650);
    private final Path dir;

    private Pki(Path dir) {
        this.dir = dir;
    }

    /** The PKI kept in {@code dir} (made by {@link #create}). */
    public static Pki at(Path dir) {
        return new Pki(dir);
    }

    /** Makes the CA and the client certificate in {@code dir} (0700), replacing what was there. */
    public static Pki create(Path dir, String labName) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            KeyPair ca = keyPair();
            X500Name caName = new X500Name("CN=lab " + labName + " CA,O=lab");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caName, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALID)), caName, ca.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
            X509Certificate caCert = convert(b.build(signer(ca.getPrivate())));
            Pki pki = new Pki(dir);
            pki.write(CA, caCert, ca.getPrivate());
            pki.issue(CLIENT, List.of(), List.of());
            return pki;
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new EnvironmentException("cannot make the lab's certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues {@code name}'s certificate and key, for serving and as a client: its DNS names and IP addresses as
     * SANs (the node's hostname, its lab address, its address on this machine, 127.0.0.1, localhost).
     */
    public void issue(String name, List<String> dnsNames, List<String> ips) {
        try {
            X509Certificate caCert = certificate(CA);
            PrivateKey caKey = key(CA);
            KeyPair kp = keyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALID)),
                    subject(name), kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            List<GeneralName> sans = new ArrayList<>();
            dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
            for (String ip : ips) {
                sans.add(new GeneralName(GeneralName.iPAddress, ip));
            }
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(
                        GeneralName[]::new)));
            }
            write(name, convert(b.build(signer(caKey))), kp.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new EnvironmentException("cannot issue " + name + "'s certificate in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * A node's certificate names it (CN=core-01). lab's client certificate has no CommonName: with client-cert-auth
     * and auth both on, etcd 3.4 answers every gateway request made with a certificate that has one "CommonName of
     * client sending a request against gateway will be ignored and not used as expected" (400, embed/serve.go), and
     * over gRPC a CommonName would log in as the user of that name; lab's clients log in with a password instead.
     */
    private static X500Name subject(String name) {
        return new X500Name(name.equals(CLIENT) ? "OU=lab client,O=lab" : "CN=" + name + ",O=lab");
    }

    /**
     * Issues a node's certificate with the SANs every TLS lab gives one: its name (the hostname) and localhost, its
     * addresses (the lab's, and the one on this machine where that differs) and 127.0.0.1.
     */
    public void issueNode(String node, String... addresses) {
        java.util.Set<String> ips = new java.util.LinkedHashSet<>(List.of(addresses));
        ips.add("127.0.0.1");
        issue(node, List.of(node, "localhost"), new ArrayList<>(ips));
    }

    public Path dir() {
        return dir;
    }

    public Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path keyFile(String name) {
        return dir.resolve(name + ".key");
    }

    /** An SSL context that trusts this CA only and presents {@code name}'s certificate (a node's, or the client's). */
    public SSLContext context(String name) {
        try {
            KeyStore trust = KeyStore.getInstance("JKS");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate(CA));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            // an in-memory JKS, not PKCS12: PKCS12 encrypts the key it is given (PBES2, 10,000 HMAC-SHA256 rounds),
            // which cost 75 ms of a cold JVM's first TLS call, for a store that never reaches a disk (7 ms as JKS)
            KeyStore keys = KeyStore.getInstance("JKS");
            keys.load(null, null);
            char[] pass = "lab".toCharArray();
            keys.setKeyEntry(name, key(name), pass, new java.security.cert.Certificate[] {certificate(name),
                certificate(CA)});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new EnvironmentException("cannot read the lab's certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate(String name) throws IOException, GeneralSecurityException {
        byte[] der = pem(Files.readString(cert(name)), "CERTIFICATE");
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(der));
    }

    private PrivateKey key(String name) throws IOException, GeneralSecurityException {
        byte[] der = pem(Files.readString(keyFile(name)), "PRIVATE KEY");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private void write(String name, X509Certificate cert, PrivateKey key) throws IOException,
            GeneralSecurityException {
        Path k = keyFile(name);
        Files.deleteIfExists(k);
        Files.createFile(k, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(k, pemText("PRIVATE KEY", key.getEncoded()));
        Files.writeString(cert(name), pemText("CERTIFICATE", cert.getEncoded()));
    }

    private static String pemText(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] pem(String text, String type) {
        int a = text.indexOf("-----BEGIN " + type + "-----");
        int b = text.indexOf("-----END " + type + "-----");
        if (a < 0 || b < a) {
            throw new IllegalArgumentException("no " + type + " in PEM text");
        }
        return Base64.getMimeDecoder().decode(text.substring(a + type.length() + 16, b));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static X509Certificate convert(org.bouncycastle.cert.X509CertificateHolder h)
            throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static BigInteger serial() {
        return new BigInteger(63, new SecureRandom());
    }

}
