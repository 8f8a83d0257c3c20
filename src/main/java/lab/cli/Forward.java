package lab.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The fast path of commands on a running lab: instead of building the command line model and talking to etcd from a
 * cold JVM, the command line goes to the lab's daemon (a warm JVM of the same build), which runs it with the same
 * {@link Cli} in this command's folder and streams its output and exit code back. Same output, same exit codes, same
 * errors, in a fraction of the time (docs/benchmarks.md). Anything it is not sure of (another build running the
 * daemon, a daemon that does not answer, LAB_* variables that would change what the command does, a command that
 * reads the terminal or runs long) goes the ordinary way. Loads nothing of picocli or Jackson: its own start-up is
 * what it saves.
 */
public final class Forward {
    /** The client could not or should not forward: run the command here. */
    public static final int NOT_FORWARDED = Integer.MIN_VALUE;
    static final byte OUT = 1;
    static final byte ERR = 2;
    static final byte EXIT = 0;
    private static final Set<String> COMMANDS = Set.of("status", "node", "net", "member", "etcdctl", "fleet", "ls");
    private static final Set<String> FLEET_READS = Set.of("list-machines", "list-units", "list-unit-files", "status",
            "journal");
    /** etcdctl verbs that run until interrupted: their output must reach the terminal as it comes, from here. */
    private static final Set<String> LONG_ETCDCTL = Set.of("watch", "elect", "lock", "check", "snapshot");

    private Forward() {
    }

    /** Whether this command line is one the daemon may run for it. */
    static boolean forwardable(String[] args, java.util.Map<String, String> env) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return false;
        }
        for (String k : env.keySet()) {
            if (k.startsWith("LAB_")) {
                // LAB_VAGRANT, LAB_SSH_CONNECT, ...: the daemon's environment is not this one; LAB_DIRECT=1 asks
                // for this
                return false;
            }
        }
        int dashes = args.length;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                dashes = i;
                break;
            }
        }
        for (int i = 0; i < dashes; i++) {
            String x = args[i];
            if (x.equals("-h") || x.equals("--help") || x.equals("-V") || x.equals("--version") || x.equals("-f")
                    || x.startsWith("--file") || x.startsWith("-f=")) {
                return false; // help depends on the terminal; another spec file is read here
            }
        }
        if (args[0].equals("fleet") && (args.length < 2 || !FLEET_READS.contains(args[1]))) {
            return false; // submitting and starting read unit files of this folder
        }
        if (args[0].equals("member") && args.length >= 2 && !args[1].equals("list")) {
            return false; // membership changes take tens of seconds: nothing to save
        }
        if (args[0].equals("etcdctl")) {
            for (int i = dashes; i < args.length; i++) {
                if (LONG_ETCDCTL.contains(args[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The lab a command line names: --name, else the name in ./lab.yaml, else "lab" (as the full CLI decides). */
    static String labName(String[] args, Path workDir) throws IOException {
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--name") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--name=")) {
                return args[i].substring("--name=".length());
            }
        }
        Path spec = workDir.resolve("lab.yaml");
        if (!Files.isRegularFile(spec)) {
            return "lab";
        }
        return nameLine(spec).orElse("lab");
    }

    /**
     * The value of a spec's top-level "name:" line (quotes and a comment allowed), without parsing the YAML: what
     * commands on a running lab need of the spec. Empty when there is no such line; anything fancier is read by
     * the spec loader.
     */
    static Optional<String> nameLine(Path spec) throws IOException {
        for (String line : Files.readAllLines(spec)) {
            if (line.startsWith("name:")) {
                String v = line.substring(5);
                int hash = v.indexOf('#');
                v = (hash >= 0 ? v.substring(0, hash) : v).strip();
                if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')
                        && v.charAt(v.length() - 1) == v.charAt(0)) {
                    v = v.substring(1, v.length() - 1);
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static boolean validName(String name) {
        if (name.isEmpty() || name.length() > 32) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The lab folder whose daemon a command goes to: the named lab's, or for `lab ls` any running lab's here. */
    private static Path daemonRoot(String[] args, Path workDir) throws IOException {
        String name = labName(args, workDir);
        if (!validName(name)) {
            return null; // the full CLI says what is wrong with it
        }
        Path root = workDir.resolve(".lab").resolve(name);
        if (Files.isRegularFile(root.resolve("daemon.json")) || !args[0].equals("ls")) {
            return root;
        }
        Path labs = workDir.resolve(".lab");
        if (!Files.isDirectory(labs)) {
            return null;
        }
        try (java.nio.file.DirectoryStream<Path> dirs = Files.newDirectoryStream(labs)) {
            for (Path d : dirs) {
                if (Files.isRegularFile(d.resolve("daemon.json"))) {
                    return d; // ls reads the folder, not one lab: any daemon of this build can answer it
                }
            }
        }
        return null;
    }

    /**
     * Runs the command through the lab's daemon; {@link #NOT_FORWARDED} when it was not (then nothing was printed
     * and nothing done, so the caller runs it itself). Plain HTTP/1.1 over a socket: Java's URL machinery (a
     * service lookup across every jar of the class path, then HttpURLConnection) was a third of the fast path.
     */
    public static int run(String[] args, Path workDir, PrintStream out, PrintStream err) {
        try {
            if (!forwardable(args, System.getenv())) {
                return NOT_FORWARDED;
            }
            Path root = daemonRoot(args, workDir);
            if (root == null) {
                return NOT_FORWARDED;
            }
            Path info = root.resolve("daemon.json");
            Path tokenFile = root.resolve("daemon.token");
            if (!Files.isRegularFile(info) || !Files.isReadable(tokenFile)) {
                return NOT_FORWARDED;
            }
            int port = port(Files.readString(info));
            if (port <= 0) {
                return NOT_FORWARDED;
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            try (DataOutputStream o = new DataOutputStream(body)) {
                o.writeInt(args.length + 1);
                o.writeUTF(workDir.toAbsolutePath().toString());
                for (String a : args) {
                    o.writeUTF(a);
                }
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 300);
                String head = "POST /cli HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                        + lab.daemon.DaemonClient.TOKEN_HEADER + ": " + Files.readString(tokenFile).trim() + "\r\n"
                        + "X-Lab-Build: " + build() + "\r\n"
                        + "X-Lab-Path: " + System.getenv().getOrDefault("PATH", "") + "\r\n"
                        + "Content-Length: " + body.size() + "\r\nConnection: close\r\n\r\n";
                OutputStream o = socket.getOutputStream();
                o.write(head.getBytes(StandardCharsets.UTF_8));
                body.writeTo(o);
                o.flush();
                InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                String status = line(in);
                if (!status.startsWith("HTTP/1.1 200")) {
                    return NOT_FORWARDED; // another build or PATH (409), no such service: the ordinary way
                }
                boolean chunked = false;
                for (String h = line(in); !h.isEmpty(); h = line(in)) {
                    if (h.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)
                            && h.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                        chunked = true;
                    }
                }
                return relay(new DataInputStream(chunked ? new Chunked(in) : in), out, err);
            }
        } catch (IOException | RuntimeException e) {
            return NOT_FORWARDED;
        }
    }

    /** The port in daemon.json ({"pid": N, "port": N}). */
    static int port(String json) {
        int at = json.indexOf("\"port\"");
        if (at < 0) {
            return -1;
        }
        int i = json.indexOf(':', at) + 1;
        while (i > 0 && i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        int j = i;
        while (j < json.length() && Character.isDigit(json.charAt(j))) {
            j++;
        }
        return j > i ? Integer.parseInt(json.substring(i, j)) : -1;
    }

    /** One CRLF-terminated header line, without its end. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the daemon closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** An HTTP/1.1 chunked body (the daemon streams the command's output as it comes). */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                left = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the daemon closed the connection mid-chunk");
            }
            left -= n;
            if (left == 0) {
                line(in); // the CRLF after the chunk
            }
            return n;
        }
    }

    /**
     * Copies the daemon's frames to this command's output until the exit frame. Once anything was printed the
     * command has run: a broken stream then is an error of its own (exit 4), never a second run.
     */
    private static int relay(DataInputStream in, PrintStream out, PrintStream err) {
        boolean printed = false;
        try {
            while (true) {
                byte kind = in.readByte();
                int length = in.readInt();
                if (kind == EXIT) {
                    out.flush();
                    err.flush();
                    return length;
                }
                byte[] data = in.readNBytes(length);
                PrintStream to = kind == ERR ? err : out;
                to.write(data);
                to.flush(); // the two streams interleave as they did in the daemon (2>&1 reads the same)
                printed = true;
            }
        } catch (IOException e) {
            return ended(printed, err);
        }
    }

    private static int ended(boolean printed, PrintStream err) {
        if (!printed) {
            return NOT_FORWARDED;
        }
        err.println("lab: the lab's daemon stopped answering in the middle of the command");
        return ExitCode.ENVIRONMENT;
    }

    /**
     * Loads what a forwarded command uses (the launcher archives the classes this touches): a made-up lab whose
     * daemon does not listen, asked the whole way up to the connection.
     */
    public static void warmUp() {
        try {
            Path dir = Files.createTempDirectory("lab-warm-up");
            Path root = Files.createDirectories(dir.resolve(".lab").resolve("warm"));
            Files.writeString(dir.resolve("lab.yaml"), "name: warm # a comment\n");
            Files.writeString(root.resolve("daemon.json"), "{\"pid\": 1, \"port\": 1}\n");
            Files.writeString(root.resolve("daemon.token"), "x\n");
            run(new String[] {"status"}, dir, System.out, System.err);
            new Chunked(new java.io.ByteArrayInputStream("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))).read();
            Files.delete(root.resolve("daemon.token"));
            Files.delete(root.resolve("daemon.json"));
            Files.delete(root);
            Files.delete(dir.resolve(".lab"));
            Files.delete(dir.resolve("lab.yaml"));
            Files.delete(dir);
        } catch (IOException | RuntimeException expected) {
            // only the classes mattered
        }
        build();
    }

    private static volatile String build;

    /**
     * This build's identity: the jar's (or classes') size and time when this JVM first asked (the daemon asks as it
     * starts), so a daemon whose jar was rebuilt under it knows it is of the old build; a daemon of another build is
     * not asked.
     */
    public static String build() {
        String b = build;
        if (b == null) {
            b = computeBuild();
            build = b;
        }
        return b;
    }

    private static String computeBuild() {
        try {
            Path code = Path.of(Forward.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.size(code) + "-" + Files.getLastModifiedTime(code).toMillis();
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Writes one frame: the command's output, error output, or (EXIT) its exit code. */
    static void frame(OutputStream o, byte kind, byte[] data, int exitCode) throws IOException {
        synchronized (o) {
            DataOutputStream d = new DataOutputStream(o);
            d.writeByte(kind);
            d.writeInt(kind == EXIT ? exitCode : data.length);
            if (kind != EXIT) {
                d.write(data);
            }
            d.flush();
        }
    }

    /** Reads a forwarded command line: the client's folder, then its arguments. */
    static String[] readRequest(InputStream body) throws IOException {
        DataInputStream in = new DataInputStream(body);
        int n = in.readInt();
        if (n < 1 || n > 10_000) {
            throw new IOException("not a command line");
        }
        String[] all = new String[n];
        for (int i = 0; i < n; i++) {
            all[i] = in.readUTF();
        }
        return all;
    }

    /**
     * Runs a forwarded command line here (in the daemon): the same CLI, in the client's folder, its output sent as
     * frames as it comes. Returns the exit code (also sent).
     */
    public static int serve(InputStream request, OutputStream response, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        String[] all = readRequest(request);
        String[] args = java.util.Arrays.copyOfRange(all, 1, all.length);
        java.io.Writer outW = new FrameWriter(response, OUT);
        java.io.Writer errW = new FrameWriter(response, ERR);
        int code;
        try (java.io.PrintWriter out = new java.io.PrintWriter(outW, true);
             java.io.PrintWriter err = new java.io.PrintWriter(errW, true)) {
            code = new Cli(Path.of(all[0]), out, err).run(args);
            out.flush();
            err.flush();
        }
        frame(response, EXIT, new byte[0], code);
        log.printf("cli: %s -> exit %d in %d ms%n", String.join(" ", args), code, (System.nanoTime() - t0) / 1_000_000);
        log.flush();
        return code;
    }

    /** Characters written become frames of one stream, on every flush. */
    private static final class FrameWriter extends java.io.Writer {
        private final OutputStream o;
        private final byte kind;
        private final StringBuilder pending = new StringBuilder();

        FrameWriter(OutputStream o, byte kind) {
            this.o = o;
            this.kind = kind;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            synchronized (pending) {
                pending.append(cbuf, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            String text;
            synchronized (pending) {
                text = pending.toString();
                pending.setLength(0);
            }
            if (!text.isEmpty()) {
                frame(o, kind, text.getBytes(StandardCharsets.UTF_8), 0);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Whether a daemon may serve commands: the daemon's own build, so it runs the code the client would. */
    public static boolean sameBuild(Optional<String> clientBuild) {
        return clientBuild.filter(b -> b.equals(build()) && !b.equals("unknown")).isPresent();
    }

    /**
     * Whether the daemon may run a client's command as the client would: the same build and the same PATH (the
     * etcdctl and fleetctl a command finds); otherwise the client runs it itself.
     */
    public static boolean accepts(Optional<String> clientBuild, Optional<String> clientPath) {
        return sameBuild(clientBuild) && clientPath.equals(Optional.of(System.getenv().getOrDefault("PATH", "")));
    }
}
