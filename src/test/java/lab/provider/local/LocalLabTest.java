package lab.provider.local;

import lab.provider.Lab;
import lab.provider.Membership;
import lab.provider.Network;
import lab.provider.Processes;
import lab.provider.Readiness;
import lab.provider.StatusProbe;
import lab.provider.Elections;
import lab.provider.Targets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests on real local labs: a fresh work directory each, and every lab taken down afterwards. */
abstract class LocalLabTest {
    @TempDir
    Path work;

    LabFixture labs;

    @BeforeEach
    void fixture() {
        labs = new LabFixture(work);
    }

    @AfterEach
    void teardown() {
        labs.close();
    }
}
