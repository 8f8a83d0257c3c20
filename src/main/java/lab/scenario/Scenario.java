package lab.scenario;

import java.util.List;
import lab.spec.LabSpec;

/**
 * A parsed, checked scenario file.
 *
 * @param lab the lab to create (null with {@code use: existing})
 * @param heal whether {@code finally: heal} restores links and restarts stopped members before the lab goes
 * @param keep always, never or on-failure (a command-line flag overrides it)
 */
public record Scenario(String name, String description, String file, LabSpec lab, boolean useExisting,
                       List<Step> steps, boolean heal, String keep) {

    public Scenario {
        steps = List.copyOf(steps);
    }
}
