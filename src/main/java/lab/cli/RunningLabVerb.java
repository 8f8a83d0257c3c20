package lab.cli;

import lab.provider.Lab;
import picocli.CommandLine.Mixin;

/** A command on a running lab (--name, else the lab.yaml's name). */
abstract class RunningLabVerb extends LabVerb {
    @Mixin
    LabOptions labOptions;

    /**
     * The lab, once its daemon is known to run: a command on a lab whose daemon died would act on a lab that is not
     * what its state says (a local lab's members cannot reach each other), so it stops with what happened and the
     * way out (exit 4). {@link #lab(boolean)} with false is for the commands that must work then (status, down).
     */
    Lab lab() {
        return lab(true);
    }

    Lab lab(boolean requireDaemon) {
        Lab lab = labOptions.open(top.workDir(), out());
        if (requireDaemon) {
            lab.requireDaemon();
        }
        return lab;
    }
}
