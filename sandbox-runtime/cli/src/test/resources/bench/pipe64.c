/* 64 MiB through a pipe from a child to its parent, 64 KiB writes: MiB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  static char buf[65536];
  long total = 64L << 20;
  int p[2];
  pipe(p);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t c = fork();
  if (c == 0) {
    close(p[0]);
    memset(buf, 'x', sizeof buf);
    for (long done = 0; done < total;) done += write(p[1], buf, sizeof buf);
    _exit(0);
  }
  close(p[1]);
  long got = 0;
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) got += n;
  waitpid(c, NULL, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  printf("pipe_64MiB_MiBps %.0f (%ld bytes)\n", got / 1048576.0 / s, got);
  return 0;
}
