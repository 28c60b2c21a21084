/* Descriptors without a path and in-kernel copies: memfd_create (write, seek, fstat, truncate, mmap, /proc link,
   bad names), splice file->pipe and pipe->file with and without offsets, tee, sendfile, pidfd_open with poll
   readiness on exit, pidfd_send_signal, waitid(P_PIDFD), preadv2/pwritev2 flags, eventfd at its maximum count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOW(label, expr)                                                      \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(expr);                                                    \
    printf("%s: %ld %s\n", label, r_, r_ < 0 ? strerrorname_np(errno) : "");  \
  } while (0)

static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) {
  return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *scratch = argc > 1 ? argv[1] : "/tmp/fdtypes-scratch";
  char buf[256];

  /* memfd_create */
  int m = memfd_create("hello", MFD_CLOEXEC);
  printf("memfd: %d cloexec %d\n", m >= 0, fcntl(m, F_GETFD) & FD_CLOEXEC);
  SHOW("write", write(m, "memfd_create", 12));
  SHOW("lseek cur", lseek(m, 0, SEEK_CUR));
  struct stat st;
  fstat(m, &st);
  printf("fstat: regular %d size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
  snprintf(buf, sizeof buf, "/proc/self/fd/%d", m);
  char link[256] = {0};
  readlink(buf, link, sizeof link - 1);
  printf("link: %s\n", link);
  SHOW("ftruncate 8192", ftruncate(m, 8192));
  char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, m, 0);
  printf("mmap private reads: %.12s\n", p == MAP_FAILED ? "failed" : p);
  munmap(p, 8192);
  SHOW("pread", pread(m, buf, 5, 6));
  printf("data: %.5s\n", buf);
  int m2 = memfd_create("", 0);
  printf("empty name ok %d, not cloexec %d\n", m2 >= 0, fcntl(m2, F_GETFD) & FD_CLOEXEC);
  char longname[300];
  memset(longname, 'a', sizeof longname);
  longname[299] = 0;
  SHOW("name too long", memfd_create(longname, 0));
  SHOW("bad flags", memfd_create("x", 0x1000));
  SHOW("bad name pointer", memfd_create((char *)16, 0));
  close(m2);

  /* splice: file -> pipe (file position moves), pipe -> file at an offset (position does not). */
  int f = open(scratch, O_RDWR | O_CREAT | O_TRUNC, 0600);
  write(f, "0123456789", 10);
  lseek(f, 2, SEEK_SET);
  int pp[2];
  pipe(pp);
  SHOW("splice file->pipe 5", splice(f, NULL, pp[1], NULL, 5, 0));
  SHOW("file position", lseek(f, 0, SEEK_CUR));
  loff_t off = 7;
  SHOW("splice file@7->pipe 100", splice(f, &off, pp[1], NULL, 100, 0));
  printf("offset now %ld\n", (long)off);
  int pp2[2];
  pipe(pp2);
  SHOW("tee 4", tee(pp[0], pp2[1], 4, 0));
  memset(buf, 0, sizeof buf);
  SHOW("read tee copy", read(pp2[0], buf, sizeof buf));
  printf("tee data: %s\n", buf);
  loff_t woff = 20;
  SHOW("splice pipe->file@20", splice(pp[0], NULL, f, &woff, 100, 0));
  printf("woff now %ld\n", (long)woff);
  memset(buf, 0, sizeof buf);
  SHOW("pread back", pread(f, buf, 8, 20));
  printf("spliced data: %s\n", buf);
  SHOW("empty pipe nonblock", splice(pp[0], NULL, f, NULL, 10, SPLICE_F_NONBLOCK));
  SHOW("no pipe", splice(f, NULL, m, NULL, 10, 0));
  SHOW("offset on pipe", splice(pp[0], &off, f, NULL, 10, 0));
  SHOW("bad flags", splice(f, NULL, pp[1], NULL, 10, 0x100));
  SHOW("bad fd", splice(99, NULL, pp[1], NULL, 10, 0));
  SHOW("tee not pipes", tee(f, pp[1], 10, 0));
  close(pp[1]);
  SHOW("splice at EOF", splice(pp[0], NULL, f, NULL, 10, 0));

  /* sendfile file -> pipe with an offset. */
  off = 3;
  SHOW("sendfile", sendfile(pp2[1], f, &off, 4));
  printf("sendfile offset %ld\n", (long)off);
  memset(buf, 0, sizeof buf);
  read(pp2[0], buf, sizeof buf);
  printf("sendfile data: %s\n", buf);

  /* preadv2 / pwritev2 */
  struct iovec iov[2] = {{buf, 3}, {buf + 3, 4}};
  memset(buf, 0, sizeof buf);
  SHOW("preadv2 off 1 flags 0", preadv2(f, iov, 2, 1, 0));
  printf("preadv2 data: %s\n", buf);
  SHOW("preadv2 RWF_HIPRI", preadv2(f, iov, 2, 0, RWF_HIPRI));
  lseek(f, 5, SEEK_SET);
  SHOW("preadv2 off -1 (file position)", preadv2(f, iov, 1, -1, 0));
  SHOW("position after", lseek(f, 0, SEEK_CUR));
  SHOW("preadv2 bad flag", preadv2(f, iov, 1, 0, 0x4000));
  struct iovec wv = {"XY", 2};
  SHOW("pwritev2 RWF_APPEND", pwritev2(f, &wv, 1, 0, RWF_APPEND));
  SHOW("size", lseek(f, 0, SEEK_END));
  SHOW("pwritev2 RWF_DSYNC", pwritev2(f, &wv, 1, 0, RWF_DSYNC));
  lseek(f, 0, SEEK_SET);
  SHOW("pwritev2 RWF_APPEND at the position", pwritev2(f, &wv, 1, -1, RWF_APPEND));
  SHOW("position follows the append", lseek(f, 0, SEEK_CUR));
  SHOW("preadv2 on pipe with offset", preadv2(pp2[0], iov, 1, 0, 0));
  SHOW("preadv2 negative offset", preadv2(f, iov, 1, -5, 0));
  close(f);
  unlink(scratch);

  /* pidfd: poll readable once the child exits; waitid(P_PIDFD); signals through it. */
  pid_t c = fork();
  if (c == 0) {
    usleep(100000);
    _exit(7);
  }
  int pfd = pidfd_open(c, 0);
  printf("pidfd_open: %d cloexec %d\n", pfd >= 0, fcntl(pfd, F_GETFD) & FD_CLOEXEC);
  struct pollfd q = {pfd, POLLIN, 0};
  SHOW("poll before exit", poll(&q, 1, 0));
  SHOW("poll until exit", poll(&q, 1, 5000));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  SHOW("waitid P_PIDFD", waitid(P_PIDFD, pfd, &si, WEXITED));
  printf("child status %d pid matches %d\n", si.si_status, si.si_pid == c);
  SHOW("send to reaped", pidfd_send_signal(pfd, SIGTERM, NULL, 0));
  close(pfd);

  c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  pfd = pidfd_open(c, 0);
  SHOW("pidfd_send_signal SIGTERM", pidfd_send_signal(pfd, SIGTERM, NULL, 0));
  int status;
  waitpid(c, &status, 0);
  printf("child killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
  SHOW("bad flags", pidfd_send_signal(pfd, SIGTERM, NULL, 0x100));
  SHOW("not a pidfd", pidfd_send_signal(0, SIGTERM, NULL, 0));
  SHOW("pidfd_open bad pid", pidfd_open(-1, 0));
  SHOW("pidfd_open bad flags", pidfd_open(getpid(), 1));
  SHOW("pidfd_open no such pid", pidfd_open(999999, 0));
  close(pfd);

  /* eventfd at the top of its range: readable, not writable; one more write would block. */
  int e = eventfd(0, EFD_NONBLOCK);
  uint64_t v = 0xfffffffffffffffeULL;
  SHOW("eventfd write max", write(e, &v, 8));
  struct pollfd eq = {e, POLLIN | POLLOUT, 0};
  poll(&eq, 1, 0);
  printf("eventfd at max: in %d out %d\n", (eq.revents & POLLIN) != 0, (eq.revents & POLLOUT) != 0);
  v = 1;
  SHOW("eventfd write past max", write(e, &v, 8));
  return 0;
}
