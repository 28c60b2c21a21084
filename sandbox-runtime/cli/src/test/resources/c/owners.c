/* What root sees of file ownership, times and supplementary groups: chown/lchown/fchown/fchownat with -1 for
   "unchanged", the set-user-ID bit chown clears, ENOENT/EBADF/EINVAL for bad input, utimensat with explicit
   times, UTIME_OMIT and UTIME_NOW, and setgroups/getgroups (sorted, bounded, inherited by fork).
   Needs root natively (the test skips itself otherwise); inside the sandbox the process is root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHOW(label, expr)                                                      \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(expr);                                                    \
    printf("%s: %ld %s\n", label, r_, r_ < 0 ? strerrorname_np(errno) : "");  \
  } while (0)

static void owner(const char *label, const char *path, int follow) {
  struct stat st;
  int r = follow ? stat(path, &st) : lstat(path, &st);
  printf("%s: %d uid %u gid %u mode %o\n", label, r, st.st_uid, st.st_gid, st.st_mode & 07777);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[256], file[300], link[300];
  snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "/tmp/owners-scratch");
  mkdir(dir, 0755);
  snprintf(file, sizeof file, "%s/f", dir);
  snprintf(link, sizeof link, "%s/l", dir);
  int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
  symlink("f", link);
  SHOW("chown 12345:54321", chown(file, 12345, 54321));
  owner("after chown", file, 1);
  SHOW("chown -1:777", chown(file, -1, 777));
  owner("gid only", file, 1);
  SHOW("fchown 2147483648:-1", fchown(fd, 2147483648u, -1));
  owner("big uid", file, 1);
  SHOW("lchown link 5:6", lchown(link, 5, 6));
  owner("link itself", link, 0);
  owner("target unchanged", file, 1);
  SHOW("fchownat follow", fchownat(AT_FDCWD, link, 7, 8, 0));
  owner("target via link", file, 1);
  SHOW("fchownat bad flags", fchownat(AT_FDCWD, file, 0, 0, 0x4));
  SHOW("fchownat AT_EMPTY_PATH", fchownat(fd, "", 9, 10, AT_EMPTY_PATH));
  owner("empty path", file, 1);
  SHOW("chmod 4755", chmod(file, 04755));
  SHOW("chown clears setuid", chown(file, 0, 0));
  owner("after", file, 1);
  SHOW("chown missing", chown("/nonexistent/x", 0, 0));
  SHOW("fchown bad fd", fchown(-1, 0, 0));
  SHOW("chown on dir", chown(dir, 4, 4));
  owner("dir", dir, 1);

  struct timespec ts[2] = {{1, 2003000}, {4, 5006000}};
  SHOW("utimensat explicit", utimensat(AT_FDCWD, file, ts, 0));
  struct stat st;
  stat(file, &st);
  printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
         (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {100, 0}};
  SHOW("utimensat omit atime", utimensat(AT_FDCWD, file, omit, 0));
  stat(file, &st);
  printf("atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
  SHOW("futimens now", futimens(fd, NULL));
  stat(file, &st);
  printf("mtime recent: %d\n", st.st_mtim.tv_sec > 1000000000);
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  SHOW("utimensat bad nsec", utimensat(AT_FDCWD, file, bad, 0));
  SHOW("utimensat bad flags", utimensat(AT_FDCWD, file, NULL, 0x4));

  gid_t g[8];
  gid_t set[3] = {30, 10, 20};
  SHOW("setgroups 3", setgroups(3, set));
  SHOW("getgroups count", getgroups(0, g));
  int n = getgroups(8, g);
  printf("groups:");
  for (int i = 0; i < n; i++) printf(" %u", g[i]);
  printf("\n");
  SHOW("getgroups too small", getgroups(1, g));
  SHOW("getgroups negative", syscall(SYS_getgroups, -1, g));
  pid_t c = fork();
  if (c == 0) {
    printf("child has %d groups\n", getgroups(0, g));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  SHOW("setgroups too many", setgroups(65537, set));
  SHOW("setgroups bad pointer", setgroups(2, (gid_t *)16));
  SHOW("setgroups 0", setgroups(0, NULL));
  SHOW("getgroups after clear", getgroups(0, g));
  close(fd);
  unlink(link);
  unlink(file);
  rmdir(dir);
  return 0;
}
