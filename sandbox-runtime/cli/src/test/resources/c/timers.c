/* Timers and waiting for signals: timerfd (relative, absolute, periodic, poll/epoll readiness, non-blocking
   read, gettime, bad arguments), timer_create with SIGALRM through a handler, SIGEV_NONE, SIGEV_THREAD_ID,
   timer_getoverrun, rt_sigtimedwait (taken, timed out, siginfo of a timer) and the errnos of bad input.
   Prints only facts that hold on any Linux machine, never times or counts that depend on the host's speed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static volatile int alarm_code, alarm_value;
static void on_alarm(int sig, siginfo_t *si, void *uc) {
  alarms++;
  alarm_code = si->si_code;
  alarm_value = si->si_value.sival_int;
}

/* Runs a call, then prints its result and errno name (evaluated in that order). */
#define SHOW(label, expr)                                                      \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(expr);                                                    \
    printf("%s: %ld %s\n", label, r_, r_ < 0 ? strerrorname_np(errno) : "");  \
  } while (0)

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* timerfd: a one-shot 20 ms timer is not readable at once, then reads one expiration. */
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  printf("timerfd_create: %d, cloexec %d\n", tfd >= 0, (fcntl(tfd, F_GETFD) & 1));
  uint64_t n = 0;
  SHOW("read before arming", read(tfd, &n, 8));
  struct itimerspec its = {{0, 0}, {0, 20 * 1000000}};
  printf("settime: %d\n", timerfd_settime(tfd, 0, &its, NULL));
  struct itimerspec cur;
  timerfd_gettime(tfd, &cur);
  printf("gettime armed: remaining in (0, 20ms]: %d, interval 0: %d\n",
         ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= 20000000, ns_of(cur.it_interval) == 0);
  struct pollfd pfd = {tfd, POLLIN, 0};
  printf("poll now: %d\n", poll(&pfd, 1, 0));
  int pr = poll(&pfd, 1, 2000);
  printf("poll 2 s: %d revents POLLIN %d\n", pr, (pfd.revents & POLLIN) != 0);
  ssize_t rr = read(tfd, &n, 8);
  printf("read: %zd expirations %llu\n", rr, (unsigned long long)n);
  timerfd_gettime(tfd, &cur);
  printf("gettime after expiry: disarmed %d\n", ns_of(cur.it_value) == 0);
  SHOW("short read", read(tfd, &n, 4));

  /* Absolute time on CLOCK_REALTIME already in the past: expires at once. */
  int rfd = timerfd_create(CLOCK_REALTIME, 0);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  its.it_value = now;
  its.it_value.tv_sec -= 1;
  printf("abstime in the past: %d\n", timerfd_settime(rfd, TFD_TIMER_ABSTIME, &its, NULL));
  rr = read(rfd, &n, 8);
  printf("blocking read: %zd count %llu\n", rr, (unsigned long long)n);

  /* Periodic: 5 ms period, wait 60 ms, at least 2 expirations accumulated; epoll sees it readable. */
  int pfd2 = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
  struct itimerspec per = {{0, 5000000}, {0, 5000000}};
  timerfd_settime(pfd2, 0, &per, NULL);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  epoll_ctl(ep, EPOLL_CTL_ADD, pfd2, &ev);
  struct epoll_event out;
  int ready = epoll_wait(ep, &out, 1, 2000);
  printf("epoll_wait periodic: %d data %u\n", ready, out.data.u32);
  usleep(60000);
  read(pfd2, &n, 8);
  printf("periodic expirations >= 2: %d\n", n >= 2);
  struct itimerspec old;
  struct itimerspec off = {{0, 0}, {0, 0}};
  timerfd_settime(pfd2, 0, &off, &old);
  printf("disarm returns old interval 5 ms: %d\n", ns_of(old.it_interval) == 5000000);
  SHOW("read after disarm", read(pfd2, &n, 8));

  /* Bad input. */
  SHOW("bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
  SHOW("bad flags", timerfd_create(CLOCK_MONOTONIC, 0x1234));
  struct itimerspec bad = {{0, 0}, {0, 1000000000}};
  SHOW("bad nsec", timerfd_settime(tfd, 0, &bad, NULL));
  SHOW("bad settime flags", timerfd_settime(tfd, 0x100, &its, NULL));
  SHOW("not a timerfd", timerfd_settime(0, 0, &its, NULL));
  SHOW("bad fd", timerfd_gettime(999, &cur));
  SHOW("bad pointer", timerfd_settime(tfd, 0, (void *)16, NULL));

  /* timer_create with SIGALRM delivered to a handler, si_code SI_TIMER and the sigev value. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_alarm;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGALRM, &sa, NULL);
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGALRM;
  sev.sigev_value.sival_int = 4242;
  timer_t t1;
  printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t1));
  struct itimerspec ts1 = {{0, 0}, {0, 10000000}};
  printf("timer_settime: %d\n", timer_settime(t1, 0, &ts1, NULL));
  for (int i = 0; i < 2000 && !alarms; i++) {
    usleep(1000);
  }
  printf("SIGALRM handled: %d si_code SI_TIMER: %d value %d\n", alarms, alarm_code == SI_TIMER, alarm_value);
  printf("timer_getoverrun: %d\n", timer_getoverrun(t1));
  struct itimerspec g;
  timer_gettime(t1, &g);
  printf("timer_gettime after one-shot: disarmed %d\n", ns_of(g.it_value) == 0);
  printf("timer_delete: %d\n", timer_delete(t1));
  SHOW("timer_delete again", timer_delete(t1));

  /* SIGEV_NONE: no signal, but gettime counts down. */
  timer_t t2;
  sev.sigev_notify = SIGEV_NONE;
  timer_create(CLOCK_REALTIME, &sev, &t2);
  struct itimerspec ts2 = {{0, 0}, {5, 0}};
  timer_settime(t2, 0, &ts2, NULL);
  timer_gettime(t2, &g);
  printf("SIGEV_NONE armed: remaining in (4s, 5s]: %d\n",
         ns_of(g.it_value) > 4000000000LL && ns_of(g.it_value) <= 5000000000LL);
  timer_delete(t2);

  /* A periodic timer whose signal is blocked: rt_sigtimedwait takes it with the timer's siginfo, and the
     expirations that passed while it was pending are reported as overruns. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  timer_t t3;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGUSR1;
  sev._sigev_un._tid = syscall(SYS_gettid);
  sev.sigev_value.sival_int = 77;
  printf("SIGEV_THREAD_ID create: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t3));
  struct itimerspec ts3 = {{0, 2000000}, {0, 2000000}};
  timer_settime(t3, 0, &ts3, NULL);
  usleep(50000);
  siginfo_t si;
  struct timespec wait = {2, 0};
  int got = sigtimedwait(&set, &si, &wait);
  printf("sigtimedwait: %s code SI_TIMER %d value %d\n", got == SIGUSR1 ? "SIGUSR1" : "other",
         si.si_code == SI_TIMER, si.si_value.sival_int);
  printf("overrun while pending > 0: %d, getoverrun matches: %d\n", si.si_overrun > 0,
         timer_getoverrun(t3) == si.si_overrun);
  timer_delete(t3);
  while (sigtimedwait(&set, &si, &(struct timespec){0, 0}) > 0) {
  }

  /* sigtimedwait: a pending signal is taken at once with its sender; an empty wait times out with EAGAIN. */
  kill(getpid(), SIGUSR1);
  got = sigtimedwait(&set, &si, &wait);
  printf("kill then sigtimedwait: %d si_pid is me %d si_code SI_USER %d\n", got == SIGUSR1,
         si.si_pid == getpid(), si.si_code == SI_USER);
  struct timespec short_wait = {0, 30000000};
  SHOW("timeout", sigtimedwait(&set, &si, &short_wait));
  struct timespec bad_ts = {0, -1};
  SHOW("bad timeout", sigtimedwait(&set, &si, &bad_ts));
  SHOW("bad sigsetsize", syscall(SYS_rt_sigtimedwait, &set, NULL, &wait, 4));
  SHOW("timer_create bad clock", timer_create(12345, NULL, &t1));
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = 0;
  SHOW("timer_create bad signal", timer_create(CLOCK_MONOTONIC, &sev, &t1));
  SHOW("timer_settime bad id", syscall(SYS_timer_settime, 9999, 0, &ts1, NULL));

  /* A NULL sigevent means SIGALRM with the timer id as value; the process-wide signal reaches the handler. */
  alarms = 0;
  timer_t t4;
  timer_create(CLOCK_MONOTONIC, NULL, &t4);
  ts1.it_value.tv_nsec = 5000000;
  timer_settime(t4, 0, &ts1, NULL);
  for (int i = 0; i < 2000 && !alarms; i++) {
    usleep(1000);
  }
  printf("NULL sigevent: SIGALRM %d si_code SI_TIMER %d\n", alarms, alarm_code == SI_TIMER);
  timer_delete(t4);
  return 0;
}
