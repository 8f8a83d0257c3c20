package lab.cloudconfig;

/** One check of coreos-cloudinit's validator, run over the whole parsed config. */
@FunctionalInterface
interface Rule {
    /** Adds this rule's findings about {@code config} (checked against {@code schema}) to {@code report}. */
    void check(Value config, Field schema, Report report);
}
