package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: output, messages and exit codes, run in-process against a temporary directory. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    Run lab(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(dir, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommandWithADescription() {
        Run r = lab("--help");
        assertEquals(0, r.code());
        for (String cmd : List.of("init", "validate", "render", "demo")) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+" + cmd + "\\s+\\S.*")), cmd + " in\n" + r.out());
        }
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsage() {
        List<List<String>> commands = new java.util.ArrayList<>();
        collect(LabCommand.whole(dir), List.of(), commands);
        assertTrue(commands.size() > 30, "commands found: " + commands);
        for (List<String> c : commands) {
            List<String> args = new java.util.ArrayList<>(c);
            args.add("--help");
            Run r = lab(args.toArray(String[]::new));
            assertEquals(0, r.code(), args + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: lab " + String.join(" ", c)), args + ":\n" + r.out());
            assertEquals("", r.err(), args.toString());
        }
        // every positional parameter says what it takes (lab node kill --help showed a bare TARGET)
        for (List<String> c : commands) {
            picocli.CommandLine cl = LabCommand.whole(dir);
            for (String w : c) {
                cl = cl.getSubcommands().get(w);
            }
            cl.getCommandSpec().positionalParameters().forEach(p -> assertTrue(p.description().length > 0,
                    c + " " + p.paramLabel() + " has no description"));
        }
        Run nested = lab("help", "node", "kill");
        assertTrue(nested.out().startsWith("Usage: lab node kill"), "lab help walks the whole path: " + nested.out());
        Run help = lab("help", "run");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: lab run"), help.out());
        assertEquals(lab("run", "--help").out(), help.out());
    }

    private static void collect(picocli.CommandLine cl, List<String> path, List<List<String>> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals(sub.getCommandName()) || name.equals("help")) {
                return; // an alias, or picocli's own help command (checked below)
            }
            List<String> p = new java.util.ArrayList<>(path);
            p.add(name);
            out.add(p);
            collect(sub, p, out);
        });
    }

    @Test
    void initThenValidateThenRender() throws IOException {
        Run init = lab("init", "--nodes", "5", "--workers", "2", "--profile", "coreos");
        assertEquals(0, init.code(), init.err());
        assertTrue(Files.readString(dir.resolve("lab.yaml")).contains("nodes: 5"));
        Run validate = lab("validate");
        assertEquals(0, validate.code(), validate.out() + validate.err());
        assertTrue(validate.out().contains("0 error(s), 0 warning(s)"), validate.out());
        Run render = lab("render", "--out", "out");
        assertEquals(0, render.code(), render.err());
        assertTrue(Files.readString(dir.resolve("out/vagrant/Vagrantfile")).contains("\"core-07\""));
        assertTrue(Files.readString(dir.resolve("out/user-data/worker.yaml")).contains("metadata: role=worker"));
        assertFalse(Files.exists(dir.resolve("out/user-data/proxy.yaml")));
    }

    @Test
    void initRefusesToOverwrite() {
        assertEquals(0, lab("init").code());
        Run again = lab("init");
        assertEquals(2, again.code());
        assertEquals("lab: lab.yaml already exists; pass --force to overwrite it\n", again.err());
        assertEquals(0, lab("init", "--force", "--nodes", "1").code());
    }

    @Test
    void badSpecGivesOneLinePerProblemAndExit2() throws IOException {
        Files.writeString(dir.resolve("lab.yaml"), "nodes: 4\nprofile: ubuntu\netcd:\n  pre-vote: maybe\n");
        Run r = lab("render");
        assertEquals(2, r.code());
        assertEquals("""
                lab.yaml:1:1: warning: 4 members tolerate 1 failure(s), the same as 3: the extra member adds no fault \
                tolerance (use an odd count)
                lab.yaml:2:10: error: unknown profile "ubuntu"; use one of: flatcar, coreos
                lab.yaml:4:13: error: "pre-vote" must be true or false, got "maybe"
                """, r.err());
        assertFalse(Files.exists(dir.resolve("vagrant")), "nothing rendered from a bad spec");
    }

    @Test
    void validateReportsUserDataProblemsWithLineAndColumn() throws IOException {
        Files.createDirectories(dir.resolve("user-data"));
        Files.writeString(dir.resolve("user-data/member.yaml"), """
                #cloud-config
                coreos:
                  etcd2:
                    heartbeat-interval: fast
                    proxy: sometimes
                  units:
                    - name: etcd2.service
                      command: launch
                write_files:
                  - path: /usr/bin/tool
                """);
        Run r = lab("validate", "user-data/member.yaml");
        assertEquals(2, r.code(), r.out());
        assertEquals(List.of(
                "user-data/member.yaml:4:5: warning: incorrect type for \"heartbeat_interval\" (want int)",
                "user-data/member.yaml:5:5: error: invalid value sometimes",
                "user-data/member.yaml:8:7: error: invalid value launch",
                "user-data/member.yaml:10:5: error: file cannot be written to a read-only filesystem",
                "1 file(s) checked: 3 error(s), 1 warning(s)"), r.out().lines().toList());
    }

    @Test
    void validateHoldsFlatcarUserDataToWhatFlatcarReads() throws IOException {
        String text = """
                #cloud-config
                coreos:
                  units:
                    - name: etcd-member.service
                      command: start
                      drop-ins:
                        - name: 20-lab.conf
                          content: "[Service]"
                """;
        Files.writeString(dir.resolve("hand.yaml"), text);
        String expected = "hand.yaml:6:7: error: \"drop-ins\" is ignored by Flatcar's coreos-cloudinit, which reads "
                + "only \"drop_ins\" (no '-' to '_' conversion since Flatcar 3975.2.0)";
        Run flatcar = lab("validate", "--cloudinit", "flatcar", "hand.yaml");
        assertEquals(2, flatcar.code(), flatcar.out());
        assertEquals(List.of(expected, "1 file(s) checked: 1 error(s), 0 warning(s)"), flatcar.out().lines().toList());
        Run byDefault = lab("validate", "hand.yaml");
        assertEquals(flatcar.out(), byDefault.out(), "user-data without etcd2 or fleet is Flatcar's by default");
        assertEquals(0, lab("validate", "--cloudinit", "1.13", "hand.yaml").code(), "classic CoreOS converted it");
        Run render = lab("render", "--out", "r");
        assertEquals(0, render.code(), render.err());
        Run rendered = lab("validate", "--cloudinit", "flatcar", "r/user-data/member.yaml");
        assertEquals(0, rendered.code(), rendered.out());
    }

    @Test
    void validateJsonOutput() throws IOException {
        Files.writeString(dir.resolve("x.yaml"), "#cloud-config\nbogus: 1\n");
        Run r = lab("validate", "-o", "json", "x.yaml");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("\"severity\" : \"warning\"") && r.out().contains("\"line\" : 2"), r.out());
    }

    @Test
    void unknownFlagIsAUsageError() {
        Run r = lab("render", "--nodez", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("lab: Unknown options: '--nodez', '3'"), r.err());
        assertTrue(r.err().contains("--nodes"), "suggests the near option: " + r.err());
    }

    @Test
    void missingFileIsBadInput() {
        Run r = lab("validate", "nope.yaml");
        assertEquals(2, r.code());
        assertEquals("lab: nope.yaml: no such file\n", r.err());
    }

    /** Names become paths: a lab's .lab/<name>/, a run's .lab/runs/<time>-<name>/. Neither may leave its folder. */
    @Test
    void namesThatWouldBePathsAreRefused() throws IOException {
        Run status = lab("status", "--name", "../../etc");
        assertEquals(2, status.code(), status.err());
        assertTrue(status.err().startsWith("lab: --name: lab name \"../../etc\" must be 1-32 lowercase letters"),
                status.err());
        Files.writeString(dir.resolve("evil.yaml"), "name: ../../escape\nlab: {nodes: 1}\nsteps:\n  - sleep: 1s\n");
        Run run = lab("run", "evil.yaml");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("evil.yaml:1:7: error: scenario name \"../../escape\" must be 1-64 letters"),
                run.err());
        assertFalse(Files.exists(dir.resolve(".lab")), "nothing was started");
    }

    @Test
    void savedRunsArePrunedAndLsSaysWhenThereIsNothing() throws IOException {
        for (String r : List.of("20260101-100000-a", "20260102-100000-b", "20260103-100000-c")) {
            Files.createDirectories(dir.resolve(".lab/runs").resolve(r));
            Files.writeString(dir.resolve(".lab/runs").resolve(r).resolve("steps.txt"), "x");
        }
        assertTrue(lab("runs", "list").out().lines().anyMatch(l -> l.contains("20260103-100000-c")));
        Run prune = lab("runs", "prune", "--keep", "1");
        assertEquals(0, prune.code(), prune.err());
        assertTrue(prune.out().startsWith("removed 2 of 3 saved run(s)"), prune.out());
        assertTrue(Files.exists(dir.resolve(".lab/runs/20260103-100000-c")), "the newest stays");
        assertEquals(2, lab("runs", "prune").code(), "prune without a rule is refused");
        Run ls = lab("ls");
        assertTrue(ls.out().startsWith("no labs in this folder"), ls.out());
    }
}
