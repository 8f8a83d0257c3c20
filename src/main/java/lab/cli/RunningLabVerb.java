package lab.cli;

import lab.provider.Lab;
import picocli.CommandLine.Mixin;

/** A verb that works on a running lab, picked with --name (or the name in lab.yaml). */
abstract class RunningLabVerb extends LabVerb {
    @Mixin
    LabOptions labOptions;

    Lab lab() {
        return labOptions.open(top.workDir(), out());
    }
}
