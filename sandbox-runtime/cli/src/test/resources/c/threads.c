/* pthreads: mutex and condvar contention, a barrier, thread-local storage, join results. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 8
#define ROUNDS 20000
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int turn;
static __thread long mine;

static void *work(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    mine++;
  }
  pthread_barrier_wait(&barrier);
  pthread_mutex_lock(&lock); /* take turns in id order through the condition variable */
  while (turn != id) pthread_cond_wait(&cond, &lock);
  turn++;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return (void *)(mine * 10 + id);
}

int main(void) {
  pthread_t t[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, work, (void *)i);
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
  printf("turns %d\n", turn);
  printf("join results %ld\n", sum);
  return 0;
}
