package lab.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", description = "Print a completion script for every lab command, subcommand and option.",
        footer = {"", "Load it in the running shell:   source <(lab completion bash)",
            "or for every new shell:          lab completion bash > ~/.local/share/bash-completion/completions/lab",
            "zsh:                             source <(lab completion zsh)   (in ~/.zshrc for every shell)",
            "`lab install` puts the bash script where bash-completion finds it."})
final class CompletionCommand extends LabVerb implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        // picocli's script serves both shells: under zsh it loads bashcompinit and registers itself through it.
        out().print(script(spec.root().commandLine()));
        out().flush();
        return ExitCode.OK;
    }

    static String script(picocli.CommandLine root) {
        return AutoComplete.bash("lab", root);
    }
}
