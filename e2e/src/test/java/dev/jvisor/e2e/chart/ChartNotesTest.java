package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import org.junit.jupiter.api.Test;

/** What `helm install` prints: NOTES.txt with the seed's verification, for the values actually installed. */
class ChartNotesTest {

  @Test
  void installNotesTellHowToVerifyWithTheSeedsPod() {
    Release release = new Helm(RenderedChart.chartDir()).install().withName(RenderedChart.RELEASE)
        .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION)
        .clientOnly().dryRun().call();

    assertThat(release.getOutput())
        .contains("kubectl wait sandboxruntime/gvisor --for=condition=Ready")
        .contains("\"runtimeClassName\":\"gvisor\"")
        .contains("kubectl exec sandboxed -- uname -sr", "Linux 4.4.0")
        .contains("dmesg", "Starting jvisor...")
        .contains("kubectl delete sandboxruntime --all --wait");
  }

  @Test
  void notesFollowTheValuesOfTheRelease() {
    Release release = new Helm(RenderedChart.chartDir()).install().withName(RenderedChart.RELEASE)
        .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION)
        .set("defaultRuntime.runtimeClassName", "sandboxed").set("defaultRuntime.sandbox.kernelRelease", "5.10.0")
        .clientOnly().dryRun().call();

    assertThat(release.getOutput()).contains("\"runtimeClassName\":\"sandboxed\"", "Linux 5.10.0");
  }
}
