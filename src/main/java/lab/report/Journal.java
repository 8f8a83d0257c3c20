package lab.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.provider.LabDir;
import lab.scenario.ScenarioResult;

/** The machine-readable record of a run: every scenario's verdict, steps and measurements, as JSON. */
public final class Journal {
    private Journal() {
    }

    public static void write(List<ScenarioResult> results, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        LabDir.json().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
    }
}
