package lab.cli;

import java.util.concurrent.Callable;
import lab.daemon.UiServer;
import lab.provider.Lab;
import lab.spec.EnvironmentException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ui", description = {"The lab's live page: prints its address (with the page's secret token) and "
        + "opens a browser with --open.", "The lab's daemon serves it on 127.0.0.1 only; the picture updates itself "
        + "as the lab changes, and its buttons run the same commands as this CLI. --read-only prints the address of "
        + "a page without actions, for projecting."})
final class UiCommand extends RunningLabVerb implements Callable<Integer> {
    @Option(names = "--open", description = "Open the page in this machine's browser (xdg-open).")
    boolean open;

    @Option(names = "--read-only", description = "The address of a page that only shows (its token allows no "
            + "action).")
    boolean readOnly;

    @Override
    public Integer call() throws Exception {
        Lab lab = lab();
        String[] tokens = UiServer.tokens(lab.dir().root());
        String url = "http://127.0.0.1:" + lab.state().daemonPort() + "/ui?token=" + tokens[readOnly ? 1 : 0];
        out().println(url);
        out().println(readOnly ? "read-only: the page shows the lab and offers no action"
                : "the page's buttons change the lab (kill, partition, ...): share this address as you would the lab; "
                + "`lab ui --read-only` gives one for projecting");
        if (open) {
            java.util.Optional<String> browser = java.util.stream.Stream.of("xdg-open", "sensible-browser",
                    "x-www-browser").filter(UiCommand::onPath).findFirst();
            if (browser.isEmpty()) {
                throw new EnvironmentException("no browser to open here (none of xdg-open, sensible-browser, "
                        + "x-www-browser is on PATH): open the address above yourself");
            }
            new ProcessBuilder(browser.get(), url).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
        return ExitCode.OK;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
