package lab.spec;

/** Vagrant-only settings: the box, and CPU and memory for nodes that do not set their own. */
public record VmSettings(String box, String boxUrl, int memoryMb, int cpus) {
}
