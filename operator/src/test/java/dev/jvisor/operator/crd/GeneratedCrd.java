package dev.jvisor.operator.crd;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generates the CRD from the Java classes, the way crds/ was produced, and finds the repository paths. */
final class GeneratedCrd {
    static final String FILE_NAME = SandboxRuntime.CRD_NAME + "-v1.yml";

    private GeneratedCrd() {
    }

    /** The CRD YAML the current classes produce. */
    static String generate() {
        try {
            Path dir = Files.createTempDirectory("jvisor-crd");
            try {
                new CRDGenerator()
                        .customResourceClasses(SandboxRuntime.class)
                        .forCRDVersions("v1")
                        .inOutputDir(dir.toFile())
                        .generate();
                return Files.readString(dir.resolve(FILE_NAME));
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.delete(p);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path committedCrd() {
        return Path.of(System.getProperty("jvisor.crd.dir", "../crds")).resolve(FILE_NAME);
    }

    static Path samplesDir() {
        return Path.of(System.getProperty("jvisor.docs.dir", "../docs")).resolve("samples");
    }
}
