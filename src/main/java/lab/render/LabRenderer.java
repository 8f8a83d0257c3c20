package lab.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import lab.spec.Role;

/**
 * Renders a whole lab: {@code vagrant/Vagrantfile} and {@code user-data/<role>.yaml}, one file per role shared by
 * all its nodes. Where nodes of one role really differ (fleet metadata of different worker groups), each of them
 * gets {@code user-data/<node>.yaml} instead.
 */
public final class LabRenderer {
    public static final String VAGRANTFILE = "vagrant/Vagrantfile";
    public static final String USER_DATA_DIR = "user-data";

    private LabRenderer() {
    }

    /** The rendered files, keyed by path relative to the output directory, in a stable order. */
    public record Rendered(Map<String, String> files, Map<String, String> userDataOfNode) {

        /** The user-data text of one node, placeholders included. */
        public String userData(String node) {
            return files.get(USER_DATA_DIR + "/" + userDataOfNode.get(node));
        }
    }

    public static Rendered render(LabSpec spec) {
        return render(spec, null);
    }

    /**
     * @param pki a TLS lab's certificates (each node's issued already), written into each node's user-data; null for
     *     a plain lab. With them every member's user-data differs (its own certificate), so each gets a file.
     */
    public static Rendered render(LabSpec spec, lab.pki.Pki pki) {
        if (spec.security().tls() && pki == null) {
            throw new IllegalArgumentException("a TLS lab renders with its certificates");
        }
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, String> fileOfNode = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            List<NodeSpec> nodes = spec.withRole(role);
            if (nodes.isEmpty()) {
                continue;
            }
            Map<String, List<NodeSpec>> byBody = new LinkedHashMap<>();
            for (NodeSpec n : nodes) {
                byBody.computeIfAbsent(UserDataRenderer.body(spec, n, tlsFiles(spec, n, pki)), k -> new ArrayList<>())
                        .add(n);
            }
            boolean shared = byBody.size() == 1;
            for (Map.Entry<String, List<NodeSpec>> e : byBody.entrySet()) {
                for (NodeSpec n : e.getValue()) {
                    String file = (shared ? role.id() : n.name()) + ".yaml";
                    List<NodeSpec> sharing = shared ? e.getValue() : List.of(n);
                    files.put(USER_DATA_DIR + "/" + file, UserDataRenderer.header(spec, role, sharing) + e.getKey());
                    fileOfNode.put(n.name(), file);
                }
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put(VAGRANTFILE, VagrantfileRenderer.render(spec, fileOfNode));
        ordered.putAll(files);
        return new Rendered(ordered, fileOfNode);
    }

    /** A TLS lab member's files: where etcd-member's wrapper mounts them from, and their PEM text. */
    private static Map<String, String> tlsFiles(LabSpec spec, NodeSpec n, lab.pki.Pki pki) {
        if (!spec.security().tls() || n.role() != Role.MEMBER) {
            return Map.of();
        }
        try {
            Map<String, String> out = new LinkedHashMap<>();
            out.put(EtcdEnv.SSL_DIR + "/ca.crt", Files.readString(pki.cert(lab.pki.Pki.CA)));
            out.put(EtcdEnv.SSL_DIR + "/member.crt", Files.readString(pki.cert(n.name())));
            out.put(EtcdEnv.SSL_DIR + "/member.key", Files.readString(pki.keyFile(n.name())));
            return out;
        } catch (java.io.IOException e) {
            throw new lab.spec.EnvironmentException("cannot read " + n.name() + "'s certificate in " + pki.dir() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A TLS member's user-data made another member's: the blocks of {@code from}'s certificate and key swapped for
     * {@code to}'s, as the rendering writes them. A member added at run time starts from the first member's
     * user-data; on a VM it must carry a certificate and key of its own.
     */
    public static String withOwnCertificate(String userData, lab.pki.Pki pki, String from, String to) {
        String out = userData;
        try {
            for (String file : new String[] {"member.crt", "member.key"}) {
                boolean key = file.endsWith(".key");
                String path = EtcdEnv.SSL_DIR + "/" + file;
                String mode = key ? "0600" : "0644";
                String before = fileBlock(path, Files.readString(key ? pki.keyFile(from) : pki.cert(from)), mode);
                String after = fileBlock(path, Files.readString(key ? pki.keyFile(to) : pki.cert(to)), mode);
                if (!out.contains(before)) {
                    throw new lab.spec.EnvironmentException(from + "'s user-data does not carry its " + file
                            + " as lab renders it: cannot give " + to + " its own");
                }
                out = out.replace(before, after);
            }
        } catch (java.io.IOException e) {
            throw new lab.spec.EnvironmentException("cannot read " + to + "'s certificate in " + pki.dir() + ": "
                    + e.getMessage(), e);
        }
        return out;
    }

    private static String fileBlock(String path, String content, String mode) {
        CloudConfigText t = new CloudConfigText();
        t.file(path, content, mode, "etcd:etcd");
        return t.toString();
    }

    /** Writes one user-data file; one that carries a private key (a TLS member's) is readable by its owner only. */
    public static void writeUserData(Path p, String content) throws IOException {
        if (content.contains("PRIVATE KEY-----")) {
            Files.deleteIfExists(p);
            Files.createFile(p, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(p, content);
    }

    /**
     * Writes the rendering under {@code out}. Stale user-data files of an earlier rendering (a role that is gone)
     * are removed, so the directory always equals what the spec renders to.
     */
    public static List<Path> write(Rendered r, Path out) {
        List<Path> written = new ArrayList<>();
        try {
            Path userData = out.resolve(USER_DATA_DIR);
            if (Files.isDirectory(userData)) {
                try (var stale = Files.list(userData)) {
                    for (Path p : stale.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                        if (!r.files().containsKey(USER_DATA_DIR + "/" + p.getFileName())) {
                            Files.delete(p);
                        }
                    }
                }
            }
            for (Map.Entry<String, String> e : r.files().entrySet()) {
                Path p = out.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                // a TLS member's user-data carries its key: readable by its owner only, as the key in pki/
                writeUserData(p, e.getValue());
                written.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rendering under " + out + ": " + e.getMessage(), e);
        }
        return written;
    }
}
