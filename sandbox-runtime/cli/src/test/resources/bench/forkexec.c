/* fork + exec /bin/true + wait: microseconds per cycle over argv[1] (default 200) cycles. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) { execl("/bin/true", "true", (char *)NULL); _exit(127); }
    waitpid(p, NULL, 0);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("fork_exec_wait_us %.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
  return 0;
}
