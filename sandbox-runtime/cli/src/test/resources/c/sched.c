/* Scheduling attributes as an ordinary task sees them: policies and priorities, their ranges and errnos,
   sched_rr_get_interval, CPU affinity (set, read back, inherited by a child, bad masks) and nice values. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHOW(label, expr)                                                      \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(expr);                                                    \
    printf("%s: %ld %s\n", label, r_, r_ < 0 ? strerrorname_np(errno) : "");  \
  } while (0)

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sched_param sp = {0};
  SHOW("getscheduler self", sched_getscheduler(0));
  SHOW("getscheduler -1", sched_getscheduler(-1));
  SHOW("getscheduler no such pid", sched_getscheduler(999999));
  SHOW("getparam self", sched_getparam(0, &sp));
  printf("priority %d\n", sp.sched_priority);
  SHOW("getparam NULL", sched_getparam(0, NULL));
  SHOW("getparam -1", sched_getparam(-1, &sp));
  SHOW("setscheduler OTHER 0", sched_setscheduler(0, SCHED_OTHER, &sp));
  SHOW("setparam 0", sched_setparam(0, &sp));
  sp.sched_priority = 5;
  SHOW("setscheduler OTHER 5", sched_setscheduler(0, SCHED_OTHER, &sp));
  SHOW("setscheduler policy 99", sched_setscheduler(0, 99, &sp));
  SHOW("setscheduler FIFO 100", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){100}));
  sp.sched_priority = 0;
  SHOW("setscheduler BATCH", sched_setscheduler(0, SCHED_BATCH, &sp));
  SHOW("getscheduler now", sched_getscheduler(0));
  pid_t c = fork();
  if (c == 0) {
    printf("child policy %d\n", sched_getscheduler(0));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  SHOW("setscheduler IDLE", sched_setscheduler(0, SCHED_IDLE, &sp));
  SHOW("getscheduler idle", sched_getscheduler(0));
  SHOW("setscheduler OTHER again", sched_setscheduler(0, SCHED_OTHER, &sp));
  SHOW("setscheduler NULL param", sched_setscheduler(0, SCHED_OTHER, NULL));
  int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, -23};
  for (int i = 0; i < 6; i++) {
    char label[64];
    snprintf(label, sizeof label, "priority range of %d min", policies[i]);
    SHOW(label, sched_get_priority_min(policies[i]));
    snprintf(label, sizeof label, "priority range of %d max", policies[i]);
    SHOW(label, sched_get_priority_max(policies[i]));
  }
  struct timespec ts = {-1, -1};
  SHOW("rr_get_interval", sched_rr_get_interval(0, &ts));
  printf("interval below 1 s: %d\n", ts.tv_sec == 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
  SHOW("rr_get_interval -1", sched_rr_get_interval(-1, &ts));

  cpu_set_t all, one, got;
  CPU_ZERO(&all);
  SHOW("getaffinity", sched_getaffinity(0, sizeof all, &all));
  printf("cpus >= 1: %d, cpu 0 allowed: %d\n", CPU_COUNT(&all) >= 1, CPU_ISSET(0, &all));
  SHOW("getaffinity -1", sched_getaffinity(-1, sizeof all, &all));
  SHOW("getaffinity too small", syscall(SYS_sched_getaffinity, 0, 1, &got));
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  SHOW("setaffinity {0}", sched_setaffinity(0, sizeof one, &one));
  CPU_ZERO(&got);
  sched_getaffinity(0, sizeof got, &got);
  printf("read back: count %d cpu0 %d\n", CPU_COUNT(&got), CPU_ISSET(0, &got));
  c = fork();
  if (c == 0) {
    CPU_ZERO(&got);
    sched_getaffinity(0, sizeof got, &got);
    printf("child inherits: count %d cpu0 %d\n", CPU_COUNT(&got), CPU_ISSET(0, &got));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  CPU_ZERO(&one);
  SHOW("setaffinity empty", sched_setaffinity(0, sizeof one, &one));
  CPU_SET(1023, &one);
  SHOW("setaffinity only a cpu nobody has", sched_setaffinity(0, sizeof one, &one));
  SHOW("setaffinity -1", sched_setaffinity(-1, sizeof all, &all));
  SHOW("setaffinity all again", sched_setaffinity(0, sizeof all, &all));
  CPU_ZERO(&got);
  sched_getaffinity(0, sizeof got, &got);
  printf("restored: %d\n", CPU_EQUAL(&got, &all));

  errno = 0;
  int base = getpriority(PRIO_PROCESS, 0);
  printf("nice 0 at start: %d\n", base == 0 && errno == 0);
  SHOW("setpriority +3", setpriority(PRIO_PROCESS, 0, base + 3));
  SHOW("getpriority", getpriority(PRIO_PROCESS, getpid()));
  c = fork();
  if (c == 0) {
    printf("child nice %d\n", getpriority(PRIO_PROCESS, 0));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  SHOW("setpriority clamps 100", setpriority(PRIO_PROCESS, 0, 100));
  SHOW("getpriority clamped", getpriority(PRIO_PROCESS, 0));
  SHOW("getpriority bad which", getpriority(7, 0));
  SHOW("getpriority no such pid", getpriority(PRIO_PROCESS, 999999));
  SHOW("raw getpriority is 20 - nice", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  return 0;
}
