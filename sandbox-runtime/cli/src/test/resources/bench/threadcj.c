/* pthread_create + pthread_join: microseconds per thread over argv[1] (default 200). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *noop(void *a) { return a; }

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pthread_t t;
    pthread_create(&t, NULL, noop, NULL);
    pthread_join(t, NULL);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("thread_create_join_us %.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
  return 0;
}
