/* CPU time accounting: after 300 ms of CPU spent spinning, getrusage(SELF), times() and CLOCK_PROCESS_CPUTIME_ID
 * show at least 200 ms and no more than the wall time; a waited-for child's spinning shows in RUSAGE_CHILDREN; a sleeping
 * process accumulates almost none. Prints facts, not numbers. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* Spins until this thread's CPU clock advanced by {@code seconds}: independent of how busy the machine is. */
static void spin(double seconds) {
  double end = now(CLOCK_THREAD_CPUTIME_ID) + seconds;
  volatile unsigned long n = 0;
  while (now(CLOCK_THREAD_CPUTIME_ID) < end) n++;
}

static double ru(int who) {
  struct rusage r;
  getrusage(who, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

int main(void) {
  double cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
  usleep(300000);
  printf("sleeping 300 ms used under 100 ms of CPU: %d\n", now(CLOCK_PROCESS_CPUTIME_ID) - cpu0 < 0.1);
  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID), r0 = ru(RUSAGE_SELF);
  spin(0.3);
  double w = now(CLOCK_MONOTONIC) - w0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0, r = ru(RUSAGE_SELF) - r0;
  printf("process clock after spinning: %d\n", c >= 0.2 && c <= w + 0.05);
  printf("getrusage self after spinning: %d\n", r >= 0.2 && r <= w + 0.05);
  printf("thread clock within the process clock: %d\n", now(CLOCK_THREAD_CPUTIME_ID) <= now(CLOCK_PROCESS_CPUTIME_ID) + 0.01);
  struct tms t;
  times(&t);
  printf("times() user ticks cover the spin: %d\n", t.tms_utime + t.tms_stime >= 20);
  printf("children before: %d\n", ru(RUSAGE_CHILDREN) < 0.05);
  pid_t p = fork();
  if (p == 0) {
    spin(0.3);
    _exit(0);
  }
  waitpid(p, NULL, 0);
  printf("children after waiting for a spinning child: %d\n", ru(RUSAGE_CHILDREN) >= 0.2);
  times(&t);
  printf("times() children ticks: %d\n", t.tms_cutime + t.tms_cstime >= 20);
  return 0;
}
