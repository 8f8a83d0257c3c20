package lab.spec;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One machine of the lab, fully resolved (explicit or stamped out by a group).
 *
 * @param metadata fleet machine metadata, in the order written ({@code role=worker,instancetype=r3})
 * @param origin where the node was declared, for problems found later
 */
public record NodeSpec(String name, Role role, String address, Map<String, String> metadata, int memoryMb, int cpus,
                       Pos origin) {

    public NodeSpec {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /** fleet's metadata syntax: {@code key=value,key=value}. */
    public String metadataString() {
        return metadata.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
