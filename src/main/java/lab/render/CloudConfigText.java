package lab.render;

/** Line-by-line builder of cloud-config YAML, two spaces per level, block scalars for file and unit contents. */
final class CloudConfigText {
    private final StringBuilder b = new StringBuilder();

    void line(int level, String text) {
        b.append("  ".repeat(level)).append(text).append('\n');
    }

    void blank() {
        b.append('\n');
    }

    void file(String path, String content) {
        file(path, content, "0644", "root:root");
    }

    void file(String path, String content, String permissions, String owner) {
        line(1, "- path: " + path);
        line(2, "permissions: \"" + permissions + "\"");
        line(2, "owner: " + owner);
        block(2, "content", content);
    }

    /** A coreos.units entry; {@code content} null for a unit the OS ships. */
    void unit(String name, boolean enable, String content) {
        line(2, "- name: " + name);
        if (enable) {
            line(3, "enable: true");
        }
        line(3, "command: start");
        if (content != null) {
            block(3, "content", content);
        }
    }

    /**
     * A drop-in for the unit written just before. The key is {@code drop_ins}, as coreos-cloudinit's Unit declares it
     * (config/unit.go): Flatcar's coreos-cloudinit no longer turns {@code drop-ins} into it (flatcar/coreos-cloudinit
     * 1bbfd30, Flatcar 3975.2.0 and later) and ignores the unknown key without a word.
     */
    void dropIn(String name, String content) {
        line(3, "drop_ins:");
        line(4, "- name: " + name);
        block(5, "content", content);
    }

    private void block(int level, String key, String content) {
        line(level, key + ": |");
        String body = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        for (String l : body.split("\n", -1)) {
            if (l.isEmpty()) {
                b.append('\n');
            } else {
                line(level + 1, l);
            }
        }
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
