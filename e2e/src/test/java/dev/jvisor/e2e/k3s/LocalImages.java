package dev.jvisor.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The image tars {@code jib:buildTar} writes into this module's target/jib (see e2e/pom.xml, profile images), named
 * as the chart expects them when {@code image.registry} is empty.
 */
record LocalImages(Path operatorTar, Path nodeAgentTar, String tag) {

  static final String OPERATOR = "jvisor-operator";
  static final String NODE_AGENT = "jvisor-node-agent";

  static LocalImages fromBuild() {
    Path dir = Path.of(System.getProperty("jvisor.images.dir", "target/jib")).toAbsolutePath();
    String tag = System.getProperty("jvisor.images.tag", "0.1.0");
    LocalImages images = new LocalImages(dir.resolve(OPERATOR + ".tar"), dir.resolve(NODE_AGENT + ".tar"), tag);
    assertThat(List.of(images.operatorTar(), images.nodeAgentTar())).as(
            "image tars in %s; build them first: mvn -B -ntp -pl e2e -am -Pimages package", dir)
        .allMatch(Files::isRegularFile);
    return images;
  }

  List<Path> tars() {
    return List.of(operatorTar, nodeAgentTar);
  }

  String operatorRepository() {
    return OPERATOR;
  }

  String nodeAgentRepository() {
    return NODE_AGENT;
  }
}
