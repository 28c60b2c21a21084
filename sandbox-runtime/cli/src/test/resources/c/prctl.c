/* prctl process attributes: a child subreaper adopts its orphaned grandchildren (and sees them in wait), a child
 * with PR_SET_PDEATHSIG gets that signal when its parent process ends, no_new_privs is sticky and inherited,
 * dumpable is recorded. Prints facts; the same output natively and sandboxed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  printf("subreaper set: %d\n", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
  int v = -1;
  prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
  printf("subreaper get: %d\n", v);
  int fds[2];
  pipe(fds);
  pid_t me = getpid();
  pid_t mid = fork();
  if (mid == 0) {
    pid_t grand = fork();
    if (grand == 0) {
      /* Orphaned when mid exits: waits until the subreaper (the test's process) has adopted it. */
      while (getppid() != me) usleep(1000);
      char ok = 'A';
      write(fds[1], &ok, 1);
      _exit(5);
    }
    _exit(0);
  }
  int st;
  waitpid(mid, &st, 0);
  char c;
  read(fds[0], &c, 1);
  pid_t got = wait(&st);
  printf("adopted orphan reaped by the subreaper: %d, exit %d\n", got > 0 && got != mid, WEXITSTATUS(st));

  /* PR_SET_PDEATHSIG: the grandchild asks for SIGUSR1 when its parent (mid) ends; it reports through the pipe. */
  mid = fork();
  if (mid == 0) {
    pid_t grand = fork();
    if (grand == 0) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGUSR1);
      sigprocmask(SIG_BLOCK, &set, NULL);
      prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
      int sig = 0;
      v = 0;
      prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0);
      char ready = 'R';
      write(fds[1], &ready, 1);
      sigwait(&set, &sig);
      char r = sig == SIGUSR1 && v == SIGUSR1 ? 'S' : 'F';
      write(fds[1], &r, 1);
      _exit(0);
    }
    char ready;
    read(fds[0], &ready, 1);
    _exit(0); /* the grandchild's parent ends here */
  }
  waitpid(mid, &st, 0);
  read(fds[0], &c, 1);
  printf("pdeathsig delivered when the parent ended: %c\n", c);
  wait(&st);

  printf("no_new_privs before: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  int bad = prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0);
  printf("set with bad args: %d %s\n", bad, errno == EINVAL ? "EINVAL" : "?");
  int set = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  printf("set: %d, get: %d\n", set, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  pid_t k = fork();
  if (k == 0) _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  waitpid(k, &st, 0);
  printf("inherited by fork: %d\n", WEXITSTATUS(st));
  int before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  printf("dumpable: %d -> %d\n", before, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  return 0;
}
