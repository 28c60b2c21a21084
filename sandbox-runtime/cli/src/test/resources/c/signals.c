/* Signal behaviour: SA_SIGINFO, SA_RESTART on a blocking read, sigaltstack with SIGSEGV recovered by
   siglongjmp, SIGTERM to a sleeping child, SIGKILL, a spinning thread interrupted from another thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, from_pid_ok, on_alt;
static sigjmp_buf env;
static char altstack[65536];

static void info_handler(int sig, siginfo_t *si, void *uc) {
  got = sig;
  from_pid_ok = si->si_pid == getpid() && si->si_code == SI_USER;
}
static void segv_handler(int sig, siginfo_t *si, void *uc) {
  char here;
  on_alt = &here >= altstack && &here < altstack + sizeof altstack;
  siglongjmp(env, si->si_addr == (void *)16 ? 2 : 1);
}
static void plain(int sig) { got = sig; }
static volatile int spin = 1;
static void stop_spin(int sig) { spin = 0; }
static void *spinner(void *arg) {
  while (spin) { }
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = info_handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  kill(getpid(), SIGUSR1);
  printf("SA_SIGINFO handler ran: %d, si_pid/si_code right: %d\n", got == SIGUSR1, from_pid_ok);

  /* SA_RESTART: a read blocked on a pipe survives a signal and returns the data written later. */
  int p[2];
  pipe(p);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = plain;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &sa, NULL);
  got = 0;
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(parent, SIGUSR2);
    nanosleep(&ts, NULL);
    write(p[1], "x", 1);
    _exit(0);
  }
  char buf[4];
  ssize_t n = read(p[0], buf, 1);
  printf("restarted read returned %zd after handler %d\n", n, got == SIGUSR2);
  waitpid(c, NULL, 0);

  /* sigaltstack + SIGSEGV + siglongjmp */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = segv_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  int r = sigsetjmp(env, 1);
  if (r == 0) *(volatile int *)16 = 1;
  printf("recovered from SIGSEGV at the faulting address: %d, on the alternate stack: %d\n", r == 2, on_alt);

  /* SIGTERM to a sleeping child, SIGKILL to another */
  c = fork();
  if (c == 0) { sleep(30); _exit(0); }
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  kill(c, SIGTERM);
  int st;
  waitpid(c, &st, 0);
  printf("child killed by SIGTERM: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
  c = fork();
  if (c == 0) { signal(SIGTERM, SIG_IGN); for (;;) pause(); }
  nanosleep(&ts, NULL);
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  printf("child killed by SIGKILL: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

  /* job control: SIGSTOP and SIGCONT, seen through waitpid(WUNTRACED | WCONTINUED) */
  c = fork();
  if (c == 0) { for (;;) pause(); }
  kill(c, SIGSTOP);
  waitpid(c, &st, WUNTRACED);
  printf("child stopped by SIGSTOP: %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  kill(c, SIGCONT);
  waitpid(c, &st, WCONTINUED);
  printf("child continued: %d\n", WIFCONTINUED(st));
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  printf("then killed: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

  /* a thread spinning in user mode is interrupted by a signal sent from another thread */
  signal(SIGUSR1, stop_spin);
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  nanosleep(&ts, NULL);
  pthread_kill(t, SIGUSR1);
  pthread_join(t, NULL);
  printf("spinning thread stopped by a signal: %d\n", spin == 0);
  return 0;
}
