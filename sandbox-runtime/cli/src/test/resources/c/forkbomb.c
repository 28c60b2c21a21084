/* Forks until fork fails, then reports the errno and how many children it got; kills and reaps them all. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  static pid_t kids[100000];
  int n = 0, err = 0;
  for (;;) {
    pid_t p = fork();
    if (p == 0) { pause(); _exit(0); }
    if (p < 0) { err = errno; break; }
    kids[n++] = p;
    if (n == 100000) break;
  }
  for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
  int reaped = 0;
  while (wait(NULL) > 0) reaped++;
  printf("children %d, then %s, reaped %d\n", n, err == EAGAIN ? "EAGAIN" : "something else", reaped);
  return 0;
}
