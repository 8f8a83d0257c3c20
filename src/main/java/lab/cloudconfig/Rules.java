package lab.cloudconfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** coreos-cloudinit's rules (config/validate/rules.go), in the order the full validation runs them. */
final class Rules {
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S*");

    private Rules() {
    }

    static final Rule DISCOVERY_URL = Rules::discoveryUrl;
    static final Rule ENCODING = Rules::encoding;
    static final Rule STRUCTURE = (cfg, schema, r) -> structure(cfg, schema, r);
    static final Rule VALIDITY = (cfg, schema, r) -> validity(cfg, schema, r);
    static final Rule WRITE_FILES = Rules::writeFiles;
    static final Rule WRITE_FILES_UNDER_COREOS = Rules::writeFilesUnderCoreos;

    static final List<Rule> ALL = List.of(DISCOVERY_URL, ENCODING, STRUCTURE, VALIDITY, WRITE_FILES,
            WRITE_FILES_UNDER_COREOS);
    /** Ours, for Flatcar: keys its coreos-cloudinit would ignore because they are written with '-'. */
    static final Rule HYPHENATED_KEYS = (cfg, schema, r) -> hyphenatedKeys(cfg, schema, r);
    static final List<Rule> FLATCAR = List.of(DISCOVERY_URL, ENCODING, STRUCTURE, VALIDITY, WRITE_FILES,
            WRITE_FILES_UNDER_COREOS, HYPHENATED_KEYS);

    static List<Rule> of(Version v) {
        return v == Version.FLATCAR ? FLATCAR : ALL;
    }

    /** coreos.etcd.discovery (etcd 0.4) must parse as a request URI; etcd2's discovery is not looked at upstream. */
    static void discoveryUrl(Value cfg, Field schema, Report r) {
        cfg.child("coreos").flatMap(c -> c.child("etcd")).flatMap(e -> e.child("discovery")).ifPresent(d -> {
            String url = d.kind == Kind.STRING ? d.text() : "";
            if (!url.startsWith("/") && !URI_SCHEME.matcher(url).matches()) {
                r.warning(d.line, "discovery URL is not valid");
            }
        });
    }

    static void encoding(Value cfg, Field schema, Report r) {
        for (Value f : cfg.childrenOf("write_files")) {
            Optional<Value> e = f.child("encoding");
            Optional<Value> c = f.child("content");
            if (e.isEmpty() || c.isEmpty()) {
                continue;
            }
            String enc = e.get().text();
            if (!decodes(c.get().kind == Kind.INVALID ? "" : c.get().text(), enc)) {
                r.error(c.get().line, "content cannot be decoded as \"" + enc + "\"");
            }
        }
    }

    static void structure(Value n, Field g, Report r) {
        if (!Kind.compatible(n.kind, g.kind())) {
            r.warning(n.line, "incorrect type for \"" + n.name + "\" (want " + g.humanType() + ")");
            return;
        }
        if (g.kind() == Kind.STRUCT) {
            for (Value cn : n.children) {
                Optional<Field> cg = g.child(cn.name);
                if (cg.isEmpty()) {
                    r.warning(cn.line, "unrecognized key \"" + cn.name + "\"");
                    continue;
                }
                if (cg.get().deprecated() != null) {
                    r.warning(cn.line, "deprecated key \"" + cn.name + "\" (" + cg.get().deprecated() + ")");
                }
                structure(cn, cg.get(), r);
            }
        } else if (g.kind() == Kind.SLICE) {
            n.children.forEach(cn -> structure(cn, g.elem(), r));
        }
    }

    /**
     * A key that exists only in its '_' form, written with '-': Flatcar's loader (a plain yaml.v3 Unmarshal into
     * config.CloudConfig) never sees it, so the whole value under it is dropped. Reported where the key stands; what
     * lies below it is checked as well, since fixing the key brings it back into play.
     */
    static void hyphenatedKeys(Value n, Field g, Report r) {
        if (g.kind() == Kind.STRUCT) {
            for (Value cn : n.children) {
                Optional<Field> cg = g.child(cn.name);
                if (cg.isEmpty()) {
                    continue;
                }
                if (!cn.written.equals(cn.name)) {
                    r.error(cn.line, "\"" + cn.written + "\" is ignored by Flatcar's coreos-cloudinit, which reads "
                            + "only \"" + cn.name + "\" (no '-' to '_' conversion since Flatcar 3975.2.0)");
                }
                hyphenatedKeys(cn, cg.get(), r);
            }
        } else if (g.kind() == Kind.SLICE) {
            n.children.forEach(cn -> hyphenatedKeys(cn, g.elem(), r));
        }
    }

    static void validity(Value n, Field g, Report r) {
        if (g.valid() != null && !n.isZero() && !g.valid().matcher(n.text()).find()) {
            r.error(n.line, "invalid value " + n.text());
        }
        if (g.kind() == Kind.STRUCT) {
            for (Value cn : n.children) {
                g.child(cn.name).ifPresent(cg -> validity(cn, cg, r));
            }
        } else if (g.kind() == Kind.SLICE) {
            n.children.forEach(cn -> validity(cn, g.elem(), r));
        }
    }

    /** /usr is read-only on Container Linux: write_files there fails at boot. */
    static void writeFiles(Value cfg, Field schema, Report r) {
        for (Value f : cfg.childrenOf("write_files")) {
            f.child("path").ifPresent(p -> {
                Path dir = Path.of("/").resolve(p.text()).normalize().getParent();
                if (dir != null && (dir.toString().equals("/usr") || dir.toString().startsWith("/usr/"))) {
                    r.error(p.line, "file cannot be written to a read-only filesystem");
                }
            });
        }
    }

    static void writeFilesUnderCoreos(Value cfg, Field schema, Report r) {
        for (Value c : cfg.childrenOf("coreos")) {
            if (c.name.equals("write_files")) {
                r.info(c.line, "write_files doesn't belong under coreos");
            }
        }
    }

    /** coreos-cloudinit's DecodeContent: "", base64/b64, gzip/gz, and gzip+base64 and its spellings. */
    static boolean decodes(String content, String encoding) {
        byte[] raw = content.getBytes(StandardCharsets.ISO_8859_1);
        return switch (encoding) {
            case "" -> true;
            case "b64", "base64" -> base64(content) != null;
            case "gz", "gzip" -> gunzips(raw);
            case "gz+base64", "gzip+base64", "gz+b64", "gzip+b64" -> {
                byte[] b = base64(content);
                yield b != null && gunzips(b);
            }
            default -> false;
        };
    }

    /** Go's base64.StdEncoding.DecodeString: padding required, CR and LF ignored, nothing else tolerated. */
    private static byte[] base64(String s) {
        String clean = s.replace("\r", "").replace("\n", "");
        if (clean.length() % 4 != 0) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(clean);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean gunzips(byte[] b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            in.readAllBytes();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
