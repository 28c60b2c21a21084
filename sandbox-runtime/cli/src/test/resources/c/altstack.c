/* Nested signals on the alternate stack: a second SA_ONSTACK handler that interrupts the first one (there, or
   at its return trampoline) must be stacked below it, not over it, or rt_sigreturn reads a clobbered frame.
   Also sigaltstack's view from inside a handler: SS_ONSTACK, and EPERM for changing the stack in use. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static char altstack[1 << 16];
static volatile sig_atomic_t inner, outer_done, on_alt_outer, on_alt_inner, flags_inside, eperm_inside;
static volatile unsigned long ticks;

static int on_alt(void) {
  char here;
  return &here >= altstack && &here < altstack + sizeof altstack;
}
static void inner_handler(int sig) {
  on_alt_inner = on_alt();
  inner++;
}
static void outer_handler(int sig) {
  volatile char canary[256];
  memset((char *)canary, 0x5a, sizeof canary);
  on_alt_outer = on_alt();
  stack_t cur;
  sigaltstack(NULL, &cur);
  flags_inside = cur.ss_flags;
  stack_t other = {.ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0};
  eperm_inside = sigaltstack(&other, NULL) == -1 && errno == EPERM;
  free(other.ss_sp);
  raise(SIGUSR2); /* delivered while this handler runs on the alternate stack */
  int intact = 1;
  for (size_t i = 0; i < sizeof canary; i++) intact &= canary[i] == 0x5a;
  outer_done = intact ? 1 : -1;
}
static void tick(int sig) { ticks++; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
  stack_t cur;
  sigaltstack(NULL, &cur);
  printf("outside a handler: flags %d\n", cur.ss_flags);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_ONSTACK;
  sa.sa_handler = inner_handler;
  sigaction(SIGUSR2, &sa, NULL);
  sa.sa_handler = outer_handler;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("outer on alt %d, inner on alt %d, inner ran %d, outer frame intact %d\n", on_alt_outer, on_alt_inner,
         inner, outer_done);
  printf("inside: SS_ONSTACK %d, changing it EPERM %d\n", flags_inside == SS_ONSTACK, eperm_inside);

  /* Many timer signals landing anywhere in a handler that itself runs on the alternate stack. */
  sa.sa_handler = tick;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 200}, {0, 200}};
  setitimer(ITIMER_REAL, &it, NULL);
  unsigned long before = 0;
  for (int i = 0; i < 3000; i++) {
    raise(SIGUSR1);
    if (outer_done != 1) {
      break;
    }
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("3000 nested rounds with a 200 us timer: frames intact %d, ticks seen %d\n", outer_done == 1,
         ticks > before);
  return 0;
}
