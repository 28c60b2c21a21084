/* More runnable threads than vCPUs (the test runs it with 2): spinners that never make a syscall and stop only
 * when a thread created after them has run (so they must be preempted), then a mutex-heavy counter over 16
 * threads. Prints facts; the same output natively and sandboxed. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int released;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *spin(void *arg) {
  (void)arg;
  unsigned long n = 0;
  while (!atomic_load_explicit(&released, memory_order_acquire)) n++;
  return (void *)n;
}

static void *release(void *arg) {
  (void)arg;
  atomic_store_explicit(&released, 1, memory_order_release);
  return NULL;
}

static void *add(void *arg) {
  (void)arg;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

int main(void) {
  pthread_t spinners[4], releaser, adders[16];
  for (int i = 0; i < 4; i++) pthread_create(&spinners[i], NULL, spin, NULL);
  pthread_create(&releaser, NULL, release, NULL);
  int ok = 0;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(spinners[i], &r);
    ok++;
    (void)r;
  }
  pthread_join(releaser, NULL);
  printf("spinners released: %d of 4\n", ok);
  for (int i = 0; i < 16; i++) pthread_create(&adders[i], NULL, add, NULL);
  for (int i = 0; i < 16; i++) pthread_join(adders[i], NULL);
  printf("counter %ld\n", counter);
  return 0;
}
