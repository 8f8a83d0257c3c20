package lab.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import lab.spec.BadInputException;

/**
 * Where a unit's text comes from on this side: the file itself, or for an instance {@code name@x.service} the
 * template {@code name@.service} next to where it would be, as fleetctl finds it.
 *
 * @param name the unit's name in the cluster
 */
public record UnitSource(String name, String text, Path file) {

    /** The unit a command-line or scenario argument names, if there is a file for it. */
    public static Optional<UnitSource> find(Path dir, String arg) {
        Path p = dir.resolve(arg);
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p)) {
            return Optional.of(new UnitSource(name, read(p), p));
        }
        Optional<UnitName> info = UnitName.of(name);
        if (info.isPresent() && info.get().isInstance()) {
            Path template = p.resolveSibling(info.get().template());
            if (Files.isRegularFile(template)) {
                return Optional.of(new UnitSource(name, read(template), template));
            }
        }
        return Optional.empty();
    }

    /** The unit, checked as fleet checks a submission; bad input names the file (and the line). */
    public FleetUnit unit(String display) {
        UnitName.problem(name).ifPresent(p -> {
            throw new BadInputException(display + ": " + p);
        });
        if (UnitName.of(name).map(UnitName::isTemplate).orElse(false)) {
            throw new BadInputException(display + ": a template cannot run by itself; start an instance of it, like "
                    + name.replace("@.", "@1."));
        }
        FleetUnit u;
        try {
            u = FleetUnit.parse(name, text);
        } catch (UnitFile.ParseException e) {
            throw new BadInputException(display + ":" + e.line() + ":1: " + e.getMessage());
        }
        Optional<String> bad = u.unrecognizedRequirement().or(() -> Validation.options(u));
        if (bad.isPresent()) {
            throw new BadInputException(display + ": " + bad.get());
        }
        return u;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new BadInputException(p + ": cannot read: " + e.getMessage());
        }
    }
}
