package dev.jvisor.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Java classes are the source of truth; crds/ must hold exactly what they generate.
 * Regenerate with: {@code mvn -pl operator test -Dtest=CrdFreshnessTest -Djvisor.crd.update=true}.
 */
class CrdFreshnessTest {
    @Test
    void committedCrdMatchesWhatTheJavaClassesGenerate() throws Exception {
        String generated = GeneratedCrd.generate();
        Path committed = GeneratedCrd.committedCrd();
        if (Boolean.getBoolean("jvisor.crd.update")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, generated);
        }
        assertThat(committed)
                .as("%s is missing or stale: regenerate it with "
                        + "`mvn -pl operator test -Dtest=CrdFreshnessTest -Djvisor.crd.update=true` and commit it",
                        committed)
                .exists();
        assertThat(Files.readString(committed))
                .as("%s is stale: regenerate it with "
                        + "`mvn -pl operator test -Dtest=CrdFreshnessTest -Djvisor.crd.update=true` and commit it",
                        committed)
                .isEqualTo(generated);
    }
}
