package dev.jvisor.shim.task;

import static dev.jvisor.shim.task.MountOptions.MS_BIND;
import static dev.jvisor.shim.task.MountOptions.MS_NODEV;
import static dev.jvisor.shim.task.MountOptions.MS_NOSUID;
import static dev.jvisor.shim.task.MountOptions.MS_PRIVATE;
import static dev.jvisor.shim.task.MountOptions.MS_RDONLY;
import static dev.jvisor.shim.task.MountOptions.MS_REC;
import static dev.jvisor.shim.task.MountOptions.MS_REMOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
  @Test
  void overlayOptionsAreDataExceptFlagWords() {
    // What containerd's overlayfs snapshotter hands a shim for a container's rootfs.
    MountOptions o = MountOptions.parse("overlay", List.of("index=off", "workdir=/s/2/work", "upperdir=/s/2/fs",
        "lowerdir=/s/1/fs"));
    assertThat(o.flags()).isZero();
    assertThat(o.propagation()).isZero();
    assertThat(o.data()).isEqualTo("index=off,workdir=/s/2/work,upperdir=/s/2/fs,lowerdir=/s/1/fs");
    assertThat(o.bindRemountFlags()).isZero();
  }

  @Test
  void readOnlyBindTakesARemountAsMountDoes() {
    // A view snapshot (ctr run --read-only, or a single-layer image): type bind, options ro,rbind.
    MountOptions o = MountOptions.parse("bind", List.of("ro", "rbind"));
    assertThat(o.flags()).isEqualTo(MS_BIND | MS_REC | MS_RDONLY);
    assertThat(o.data()).isEmpty();
    assertThat(o.bindRemountFlags()).isEqualTo(MS_REMOUNT | MS_BIND | MS_RDONLY);
  }

  @Test
  void laterWordsOverrideEarlierOnesAndPropagationIsSeparate() {
    MountOptions o = MountOptions.parse("", List.of("ro", "nosuid", "rw", "nodev", "rprivate", "bind"));
    assertThat(o.flags()).isEqualTo(MS_NOSUID | MS_NODEV | MS_BIND);
    assertThat(o.propagation()).isEqualTo(MS_PRIVATE | MS_REC);
    assertThat(o.bindRemountFlags()).isEqualTo(MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV);
  }

  @Test
  void plainBindNeedsNoRemount() {
    assertThat(MountOptions.parse("bind", List.of("rbind")).bindRemountFlags()).isZero();
  }
}
