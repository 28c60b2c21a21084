/* Futex ping-pong between two threads: microseconds per round trip over argv[1] (default 2000) rounds. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Atomic int word;
static int rounds;

static void wait_for(int v) {
  int cur; /* sleep only while the word still holds the value just checked, or a wake-up can be lost */
  while ((cur = atomic_load(&word)) != v) syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, cur, NULL, NULL, 0);
}
static void set(int v) {
  atomic_store(&word, v);
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
static void *pong(void *arg) {
  for (int i = 0; i < rounds; i++) { wait_for(2 * i + 1); set(2 * i + 2); }
  return NULL;
}

int main(int argc, char **argv) {
  rounds = argc > 1 ? atoi(argv[1]) : 2000;
  pthread_t t;
  pthread_create(&t, NULL, pong, NULL);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < rounds; i++) { set(2 * i + 1); wait_for(2 * i + 2); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  pthread_join(t, NULL);
  printf("futex_pingpong_us %.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / rounds / 1e3);
  return 0;
}
