/* Two CPU-bound threads at once versus the same work done one after the other: ms for each (argv[1] iterations). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long n;
static void *spin(void *arg) {
  volatile unsigned long x = 1;
  for (long i = 0; i < n; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
  return NULL;
}
static double ms(struct timespec a, struct timespec b) {
  return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
  n = argc > 1 ? atol(argv[1]) : 200000000L;
  struct timespec a, b, c;
  clock_gettime(CLOCK_MONOTONIC, &a);
  spin(NULL);
  spin(NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, spin, NULL);
  pthread_create(&t2, NULL, spin, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  clock_gettime(CLOCK_MONOTONIC, &c);
  printf("sequential_ms %.0f parallel_ms %.0f speedup %.2f\n", ms(a, b), ms(b, c), ms(a, b) / ms(b, c));
  return 0;
}
