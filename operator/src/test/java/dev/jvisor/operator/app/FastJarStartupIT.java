package dev.jvisor.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged fast-jar, started against an API server that is not there, says so in one ERROR line and exits 1
 * quickly: no ten silent retries. (An *IT because it needs the jar that `package` builds; it needs no KVM.)
 */
class FastJarStartupIT {
    static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void anUnreachableApiServerGivesOneClearErrorLineAndExitCodeOne() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("run after `mvn package`").exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again below: nothing listens there
        }
        Path log = Files.createTempFile("jvisor-operator-start", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", "https://127.0.0.1:" + port);
            pb.environment().put("QUARKUS_HTTP_PORT", "0");
            pb.environment().put("KUBECONFIG", "/nonexistent");
            long start = System.nanoTime();
            Process p = pb.start();
            boolean exited = p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            List<String> lines = Files.readAllLines(log);
            assertThat(exited).as("exited within %s; output:%n%s", BOUND, String.join("\n", lines)).isTrue();
            assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(1);
            List<String> errors = lines.stream().filter(l -> l.contains("level=ERROR")).toList();
            assertThat(errors).as(String.join("\n", lines)).singleElement().asString()
                    .contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + port)
                    .contains("Connection refused");
            assertThat(lines).as("no retry warnings").noneMatch(l -> l.contains("level=WARN"));
            System.out.printf("fast-jar start against an unreachable API server: exit 1 after %d ms%n", took.toMillis());
        } finally {
            Files.deleteIfExists(log);
        }
    }

}
