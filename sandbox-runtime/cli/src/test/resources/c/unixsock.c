/* AF_UNIX sockets: socketpair (stream, seqpacket, dgram), bind/listen/accept/connect on a path and in the
 * abstract namespace, errors, nonblocking, poll readiness, shutdown, EPIPE, SCM_RIGHTS. argv[1]: a scratch path
 * (removed before exit). Prints only what Linux makes deterministic. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(x) do { if ((x) < 0) { printf("FAIL %s: %s\n", #x, strerror(errno)); exit(1); } } while (0)

static void err(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

static void stream_pair(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  printf("cloexec: %d\n", (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(write(sv[0], "hello", 5));
  CHECK(send(sv[0], " world", 6, 0));
  char buf[64] = {0};
  long n = recv(sv[1], buf, sizeof buf, MSG_PEEK);
  printf("peek %ld '%.*s'\n", n, (int) n, buf);
  n = read(sv[1], buf, sizeof buf);
  printf("read %ld '%.*s'\n", n, (int) n, buf);
  struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
  CHECK(writev(sv[1], iov, 2));
  n = recv(sv[0], buf, 4, MSG_WAITALL);
  printf("waitall %ld '%.*s'\n", n, (int) n, buf);
  err("nonblock recv", recv(sv[0], buf, 1, MSG_DONTWAIT));
  int type = 0, dom = 0;
  socklen_t len = sizeof type;
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len);
  len = sizeof dom;
  getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &dom, &len);
  printf("type %d domain %d len %d\n", type, dom, (int) len);
  struct ucred cr;
  len = sizeof cr;
  CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
  printf("peercred pid ok %d uid %d len %d\n", cr.pid == getpid(), cr.uid == geteuid(), (int) len);
  err("bad option", getsockopt(sv[0], SOL_SOCKET, 12345, &type, &len));
  struct pollfd p = {sv[0], POLLIN | POLLOUT, 0};
  poll(&p, 1, 0);
  printf("poll idle: in %d out %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
  CHECK(write(sv[1], "x", 1));
  close(sv[1]);
  p.events = POLLIN | POLLRDHUP;
  poll(&p, 1, 1000);
  printf("poll after close: in %d hup %d rdhup %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLHUP),
         !!(p.revents & POLLRDHUP));
  n = read(sv[0], buf, sizeof buf);
  printf("read before eof %ld\n", n);
  printf("eof %ld\n", (long) read(sv[0], buf, sizeof buf));
  signal(SIGPIPE, SIG_IGN);
  err("write to closed peer", write(sv[0], "y", 1));
  err("send nosignal", send(sv[0], "y", 1, MSG_NOSIGNAL));
  close(sv[0]);
}

static void shutdowns(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  CHECK(shutdown(sv[0], SHUT_WR));
  char c;
  printf("peer sees eof after SHUT_WR: %ld\n", (long) read(sv[1], &c, 1));
  err("write after SHUT_WR", send(sv[0], "z", 1, MSG_NOSIGNAL));
  CHECK(write(sv[1], "q", 1));
  printf("other direction still works: %ld\n", (long) read(sv[0], &c, 1));
  err("shutdown bad how", shutdown(sv[0], 7));
  close(sv[0]);
  close(sv[1]);
}

static void boundaries(int type, const char *name) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, type, 0, sv));
  CHECK(send(sv[0], "first", 5, 0));
  CHECK(send(sv[0], "second!", 7, 0));
  CHECK(send(sv[0], "", 0, 0));
  char buf[64];
  struct iovec iov = {buf, 3};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  long n = recvmsg(sv[1], &m, 0);
  printf("%s: %ld '%.*s' trunc %d\n", name, n, (int) n, buf, !!(m.msg_flags & MSG_TRUNC));
  n = recv(sv[1], buf, 2, MSG_TRUNC);
  printf("%s: MSG_TRUNC returns the real length %ld\n", name, n);
  n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
  printf("%s: empty message %ld\n", name, n);
  err("then nothing", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
  close(sv[0]);
  if (type == SOCK_SEQPACKET) {
    printf("%s: eof %ld\n", name, (long) recv(sv[1], buf, sizeof buf, 0));
  }
  close(sv[1]);
}

static void scm_rights(void) {
  int sv[2], pfd[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  CHECK(pipe(pfd));
  char ctl[CMSG_SPACE(sizeof(int))] = {0};
  struct iovec iov = {"F", 1};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &pfd[1], sizeof(int));
  pid_t pid = fork();
  if (pid == 0) {
    CHECK(sendmsg(sv[0], &m, 0));
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  close(pfd[1]);
  char data;
  char rctl[CMSG_SPACE(sizeof(int))];
  struct iovec riov = {&data, 1};
  struct msghdr r = {0};
  r.msg_iov = &riov;
  r.msg_iovlen = 1;
  r.msg_control = rctl;
  r.msg_controllen = sizeof rctl;
  long n = recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC);
  struct cmsghdr *rc = CMSG_FIRSTHDR(&r);
  printf("scm_rights: %ld byte, cmsg %d level %d type %d len %d\n", n, rc != NULL, rc ? rc->cmsg_level : -1,
         rc ? rc->cmsg_type : -1, rc ? (int) rc->cmsg_len : -1);
  int got;
  memcpy(&got, CMSG_DATA(rc), sizeof got);
  printf("received fd cloexec %d\n", (fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(write(got, "via passed fd", 13));
  close(got);
  char buf[32];
  n = read(pfd[0], buf, sizeof buf);
  printf("pipe got %ld '%.*s', then eof %ld\n", n, (int) n, buf, (long) read(pfd[0], buf, sizeof buf));
  close(pfd[0]);
  close(sv[0]);
  close(sv[1]);
}

static socklen_t path_addr(struct sockaddr_un *a, const char *path) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  strcpy(a->sun_path, path);
  return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static void listener(const char *path) {
  unlink(path);
  struct sockaddr_un a;
  socklen_t alen = path_addr(&a, path);
  int c0 = socket(AF_UNIX, SOCK_STREAM, 0);
  err("connect missing path", connect(c0, (struct sockaddr *) &a, alen));
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(bind(s, (struct sockaddr *) &a, alen));
  struct stat st;
  CHECK(stat(path, &st));
  printf("socket inode: S_ISSOCK %d\n", S_ISSOCK(st.st_mode));
  err("open socket inode", open(path, O_RDONLY));
  err("connect not listening", connect(c0, (struct sockaddr *) &a, alen));
  int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
  err("bind in use", bind(s2, (struct sockaddr *) &a, alen));
  close(s2);
  CHECK(listen(s, 4));
  int acc = 0;
  socklen_t l = sizeof acc;
  getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l);
  printf("acceptconn %d\n", acc);
  int flags = fcntl(s, F_GETFL);
  fcntl(s, F_SETFL, flags | O_NONBLOCK);
  err("accept nothing pending", accept(s, NULL, NULL));
  fcntl(s, F_SETFL, flags);
  struct sockaddr_un got;
  socklen_t glen = sizeof got;
  CHECK(getsockname(s, (struct sockaddr *) &got, &glen));
  printf("getsockname len ok %d path ok %d\n", glen == alen, strcmp(got.sun_path, path) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *) &a, alen));
    struct sockaddr_un pn;
    socklen_t pl = sizeof pn;
    CHECK(getpeername(c, (struct sockaddr *) &pn, &pl));
    socklen_t sl = sizeof pn;
    struct sockaddr_un sn;
    CHECK(getsockname(c, (struct sockaddr *) &sn, &sl));
    printf("child: peer path ok %d, own name len %d\n", strcmp(pn.sun_path, path) == 0, (int) sl);
    fflush(stdout);
    CHECK(write(c, "ping", 4));
    char buf[8];
    long n = read(c, buf, sizeof buf);
    printf("child: got %ld '%.*s'\n", n, (int) n, buf);
    fflush(stdout);
    close(c);
    _exit(0);
  }
  struct pollfd p = {s, POLLIN, 0};
  int pr = poll(&p, 1, 5000);
  struct sockaddr_un peer;
  socklen_t plen = sizeof peer;
  int conn = accept4(s, (struct sockaddr *) &peer, &plen, SOCK_CLOEXEC);
  CHECK(conn);
  char buf[8];
  long n = read(conn, buf, sizeof buf); /* the child printed its line before writing: print in order */
  printf("poll listener: %d in %d\n", pr, !!(p.revents & POLLIN));
  printf("accepted: peer addr len %d, cloexec %d\n", (int) plen, (fcntl(conn, F_GETFD) & FD_CLOEXEC) != 0);
  printf("parent: got %ld '%.*s'\n", n, (int) n, buf);
  fflush(stdout);
  CHECK(write(conn, "pong", 4));
  int status;
  waitpid(pid, &status, 0);
  struct pollfd q = {conn, POLLIN, 0};
  poll(&q, 1, 5000);
  printf("after child exit: in %d hup %d eof %ld\n", !!(q.revents & POLLIN), !!(q.revents & POLLHUP),
         (long) read(conn, buf, sizeof buf));
  struct sockaddr_un sn;
  socklen_t sl = sizeof sn;
  CHECK(getsockname(conn, (struct sockaddr *) &sn, &sl));
  printf("accepted socket name is the listener's: %d\n", sl == alen && strcmp(sn.sun_path, path) == 0);
  close(conn);
  close(s);
  close(c0);
  err("connect after listener closed", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *) &a, alen));
  CHECK(unlink(path));
}

static void abstract_ns(void) {
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, "\0jvisor-test-abstract", 21);
  socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 21;
  int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  err("abstract connect, nobody bound", connect(c, (struct sockaddr *) &a, alen));
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
  CHECK(bind(s, (struct sockaddr *) &a, alen));
  int s2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  err("abstract bind in use", bind(s2, (struct sockaddr *) &a, alen));
  CHECK(listen(s, 1));
  CHECK(connect(c, (struct sockaddr *) &a, alen));
  int conn = accept(s, NULL, NULL);
  CHECK(conn);
  struct sockaddr_un n;
  socklen_t nl = sizeof n;
  CHECK(getpeername(c, (struct sockaddr *) &n, &nl));
  printf("abstract peer len %d matches %d\n", (int) nl, nl == alen && memcmp(&n, &a, alen) == 0);
  CHECK(send(c, "rec1", 4, 0));
  char buf[16];
  long r = recv(conn, buf, sizeof buf, 0);
  printf("abstract seqpacket got %ld '%.*s'\n", r, (int) r, buf);
  int st = socket(AF_UNIX, SOCK_STREAM, 0);
  err("abstract type mismatch", connect(st, (struct sockaddr *) &a, alen));
  close(st);
  close(s2);
  close(conn);
  close(c);
  close(s);
}

static void misc_errors(void) {
  err("bad type", socket(AF_UNIX, 9, 0));
  int fd = open("/dev/null", O_RDONLY);
  err("not a socket", shutdown(fd, SHUT_RD));
  close(fd);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  err("addrlen too big", bind(s, (struct sockaddr *) &a, sizeof a + 1));
  err("listen unbound", listen(s, 1));
  char c;
  err("recv unconnected stream", recv(s, &c, 1, 0));
  err("getpeername unconnected", getpeername(s, (struct sockaddr *) &a, &(socklen_t){sizeof a}));
  socklen_t l = sizeof a;
  CHECK(getsockname(s, (struct sockaddr *) &a, &l));
  printf("unbound name len %d\n", (int) l);
  close(s);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  err("dgram send unconnected", send(d, "x", 1, 0));
  err("dgram listen", listen(d, 1));
  close(d);
}

static void nonblocking_full(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
  static char big[1 << 16];
  long total = 0, n;
  while ((n = write(sv[0], big, sizeof big)) > 0) {
    total += n;
  }
  printf("filled: %d, then %s\n", total > 0, strerrorname_np(errno));
  struct pollfd p = {sv[0], POLLOUT, 0};
  printf("poll full: out %d\n", poll(&p, 1, 0) > 0 && (p.revents & POLLOUT));
  close(sv[0]);
  close(sv[1]);
}

static void on_alarm(int sig) { (void) sig; }

static void dgram_names_and_eintr(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  CHECK(send(sv[0], "anon", 4, 0));
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  char buf[16];
  long n = recvfrom(sv[1], buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
  printf("dgram from an unnamed sender: %ld bytes, addrlen %d\n", n, (int) fl);
  struct sockaddr_un a = {0}, b = {0};
  a.sun_family = b.sun_family = AF_UNIX;
  memcpy(a.sun_path, "\0jvisor-dgram-a", 15);
  memcpy(b.sun_path, "\0jvisor-dgram-b", 15);
  socklen_t len = offsetof(struct sockaddr_un, sun_path) + 15;
  int da = socket(AF_UNIX, SOCK_DGRAM, 0), db = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(bind(da, (struct sockaddr *) &a, len));
  CHECK(bind(db, (struct sockaddr *) &b, len));
  CHECK(sendto(da, "to b", 4, 0, (struct sockaddr *) &b, len));
  fl = sizeof from;
  n = recvfrom(db, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
  printf("dgram sendto: %ld '%.*s' from a %d\n", n, (int) n, buf, fl == len && memcmp(&from, &a, len) == 0);
  CHECK(connect(db, (struct sockaddr *) &a, len));
  err("sendto a socket connected elsewhere", sendto(sv[0], "x", 1, 0, (struct sockaddr *) &b, len));
  struct sockaddr unspec = {0};
  unspec.sa_family = AF_UNSPEC;
  CHECK(connect(db, &unspec, sizeof unspec));
  err("sendto after AF_UNSPEC disconnect", sendto(sv[0], "x", 1, 0, (struct sockaddr *) &b, len));
  close(db);
  err("send to a closed dgram peer", sendto(da, "x", 1, 0, (struct sockaddr *) &b, len));
  close(da);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: the blocked recv ends with EINTR */
  alarm(1);
  err("blocked recv interrupted", recv(sv[1], buf, sizeof buf, 0));
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  if (fork() == 0) {
    usleep(1500 * 1000);
    send(sv[0], "late", 4, 0);
    _exit(0);
  }
  alarm(1);
  n = recv(sv[1], buf, sizeof buf, 0);
  printf("SA_RESTART recv: %ld '%.*s'\n", n, (int) n, buf);
  wait(NULL);
  close(sv[0]);
  close(sv[1]);
}

static void epoll_select(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = sv[0]};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
  struct epoll_event out;
  printf("epoll idle: %d\n", epoll_wait(ep, &out, 1, 0));
  CHECK(write(sv[1], "e", 1));
  int n = epoll_wait(ep, &out, 1, 1000);
  printf("epoll readable: %d in %d\n", n, !!(out.events & EPOLLIN));
  fd_set r;
  FD_ZERO(&r);
  FD_SET(sv[0], &r);
  struct timeval tv = {1, 0};
  printf("select readable: %d %d\n", select(sv[0] + 1, &r, NULL, NULL, &tv), FD_ISSET(sv[0], &r));
  close(sv[1]);
  n = epoll_wait(ep, &out, 1, 1000);
  printf("epoll after close: %d in %d rdhup %d hup %d\n", n, !!(out.events & EPOLLIN), !!(out.events & EPOLLRDHUP),
         !!(out.events & EPOLLHUP));
  close(ep);
  close(sv[0]);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "/tmp/jvisor-unixsock-test";
  setvbuf(stdout, NULL, _IOLBF, 0);
  stream_pair();
  shutdowns();
  boundaries(SOCK_SEQPACKET, "seqpacket");
  boundaries(SOCK_DGRAM, "dgram");
  scm_rights();
  listener(path);
  abstract_ns();
  misc_errors();
  nonblocking_full();
  dgram_names_and_eintr();
  epoll_select();
  printf("done\n");
  return 0;
}
