package dev.jvisor.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.proto.events.TaskCreate;
import dev.jvisor.shim.proto.events.TaskStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataTrainingTest {
  @TempDir Path tmp;
  private final List<String> forwarded = new ArrayList<>();
  private final EventPublisher inner = (topic, event) -> forwarded.add(topic);

  @AfterEach
  void clear() {
    System.clearProperty(ClassDataTraining.PROPERTY);
  }

  @Test
  void withoutTrainingTheEventsGoStraightThrough() {
    assertThat(ClassDataTraining.watch(inner)).isSameAs(inner);
  }

  @Test
  void onlyAnAppContainersStartMarksTheCacheUseful() throws Exception {
    Path cache = tmp.resolve(".containerd-shim-jvisor-v1.aot.tmp-42");
    System.setProperty(ClassDataTraining.PROPERTY, cache.toString());
    EventPublisher watched = ClassDataTraining.watch(inner);
    Path marker = tmp.resolve(cache.getFileName() + ".useful");
    long shim = ProcessHandle.current().pid();

    watched.publish(EventPublisher.TASK_CREATE, TaskCreate.newBuilder().setContainerId("pause").build());
    Message pauseStart = TaskStart.newBuilder().setContainerId("pause").setPid((int) shim).build();
    watched.publish(EventPublisher.TASK_START, pauseStart);
    assertThat(marker).as("the pause container runs nothing of the Sentry").doesNotExist();

    watched.publish(EventPublisher.TASK_START, TaskStart.newBuilder().setContainerId("app").setPid(7).build());
    assertThat(marker).exists();
    assertThat(Files.readString(marker)).isNotEmpty();
    assertThat(forwarded).containsExactly(EventPublisher.TASK_CREATE, EventPublisher.TASK_START,
        EventPublisher.TASK_START);
  }
}
