/* Clocks, sleeping and resource limits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  struct timespec a, b, r;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec req = {0, 20 * 1000 * 1000};
  printf("nanosleep: %d\n", nanosleep(&req, NULL));
  clock_gettime(CLOCK_MONOTONIC, &b);
  long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("slept at least 20ms: %d\n", ms >= 20);
  clock_gettime(CLOCK_REALTIME, &r);
  printf("realtime after 2020: %d\n", r.tv_sec > 1577836800);
  printf("time() agrees: %d\n", (long)time(NULL) - r.tv_sec <= 1);
  printf("clock_getres ok: %d\n", clock_getres(CLOCK_MONOTONIC, &r) == 0);
  struct rlimit rl;
  printf("getrlimit: %d\n", getrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_cur = 16;
  printf("setrlimit: %d\n", setrlimit(RLIMIT_NOFILE, &rl));
  getrlimit(RLIMIT_NOFILE, &rl);
  printf("soft nofile now %ld\n", (long)rl.rlim_cur);
  int used = 0, opened = 0, last = 0;
  for (int i = 0; i < 16; i++) used += fcntl(i, F_GETFD) != -1;
  for (int i = 0; i < 32; i++) {
    int fd = open("/etc/passwd", O_RDONLY);
    if (fd < 0) { last = errno; break; }
    opened++;
  }
  printf("open fds reach the limit: %d, then EMFILE: %d\n", opened + used == 16, last == EMFILE);
  rl.rlim_cur = rl.rlim_max + 1;
  printf("soft above hard rejected: %d\n", setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
  return 0;
}
