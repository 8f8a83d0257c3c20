package lab.spec;

import java.util.Map;

/**
 * A node or group as written in lab.yaml, before names and addresses are handed out.
 *
 * @param count 1 for a single node; the group size for a group
 * @param name the explicit name of a single node, or null
 * @param prefix the name prefix of generated names ({@code core} gives core-01, core-02, ...)
 * @param address the explicit address of a single node, or null
 */
record NodeDecl(int count, String name, String prefix, Role role, String address, Map<String, String> metadata,
                Integer memoryMb, Integer cpus, Pos pos, Pos addressPos) {
}
