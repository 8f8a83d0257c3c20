package lab.spec;

import java.time.Duration;

/**
 * fleet's settings for the lab's machines. {@code agent-ttl} is how long a machine stays registered after its agent
 * last renewed its lease: fleet's own default is 30 s, a lab's is 5 s so that a class sees a unit move within a demo
 * (write {@code fleet: {agent-ttl: 30s}} for fleet's timing). It goes into every node's user-data: coreos.fleet's
 * {@code agent-ttl} on CoreOS, FLEET_AGENT_TTL in /etc/lab/cluster.env for the lab's own agents.
 */
public record FleetSettings(Duration agentTtl) {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    public static FleetSettings defaults() {
        return new FleetSettings(DEFAULT_TTL);
    }

    /** As fleet and the cluster env file write it: whole seconds, {@code 5s}. */
    public String agentTtlText() {
        return agentTtl.toSeconds() + "s";
    }
}
