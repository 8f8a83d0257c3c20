package lab.provider.local;

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
