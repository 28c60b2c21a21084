/* Robust mutexes: an owner that dies holding one (a thread, or a process sharing the mutex through MAP_SHARED
 * memory) leaves it to the next locker with EOWNERDEAD, including one already blocked waiting. Prints facts. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t *m;

static void init(pthread_mutex_t *mu, int pshared) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (pshared) pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(mu, &a);
}

static void *die_holding(void *arg) {
  pthread_mutex_lock(m);
  if (arg) usleep(100000); /* let the main thread block on it first */
  return NULL;
}

static const char *name(int r) {
  return r == 0 ? "0" : r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r);
}

int main(void) {
  static pthread_mutex_t local;
  m = &local;
  init(m, 0);
  pthread_t t;
  pthread_create(&t, NULL, die_holding, NULL);
  pthread_join(t, NULL);
  int r = pthread_mutex_lock(m);
  printf("thread died holding it: lock -> %s\n", name(r));
  int consistent = pthread_mutex_consistent(m);
  int unlocked = pthread_mutex_unlock(m);
  int again = pthread_mutex_lock(m);
  printf("consistent -> %d, unlock -> %d, lock again -> %s\n", consistent, unlocked, name(again));
  pthread_mutex_unlock(m);

  pthread_create(&t, NULL, die_holding, (void *)1);
  usleep(20000);
  r = pthread_mutex_lock(m); /* blocks until the owner thread ends */
  printf("waiter when the owner thread died: lock -> %s\n", name(r));
  pthread_mutex_consistent(m);
  pthread_mutex_unlock(m);
  pthread_join(t, NULL);

  m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  init(m, 1);
  pid_t c = fork();
  if (c == 0) {
    pthread_mutex_lock(m);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  r = pthread_mutex_lock(m);
  printf("process died holding a shared one: lock -> %s\n", name(r));
  return 0;
}
