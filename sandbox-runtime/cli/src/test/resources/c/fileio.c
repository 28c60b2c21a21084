/* File I/O and directories in a scratch directory given as argv[1]. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  mkdir(argv[1], 0755);
  if (chdir(argv[1]) != 0) { perror("chdir"); return 1; }
  int fd = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  printf("open: %d\n", fd >= 0);
  const char *msg = "hello, sandbox\n";
  printf("write: %zd\n", write(fd, msg, strlen(msg)));
  printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
  char buf[64] = {0};
  printf("pread: %zd '%.5s'\n", pread(fd, buf, 5, 7), buf);
  lseek(fd, 0, SEEK_SET);
  memset(buf, 0, sizeof buf);
  printf("read: %zd %s", read(fd, buf, sizeof buf - 1), buf);
  struct stat st;
  fstat(fd, &st);
  printf("fstat size %ld regular %d\n", (long)st.st_size, S_ISREG(st.st_mode));
  printf("ftruncate: %d\n", ftruncate(fd, 5));
  fstat(fd, &st);
  printf("size after truncate %ld\n", (long)st.st_size);
  close(fd);
  for (int i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "f%d", i);
    close(open(path, O_CREAT | O_WRONLY, 0600));
  }
  mkdir("sub", 0700);
  symlink("data.txt", "link");
  printf("readlink: %zd\n", readlink("link", buf, sizeof buf));
  DIR *d = opendir(".");
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("entries:");
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
  printf("rename: %d\n", rename("f0", "g0"));
  printf("open missing: %d errno %d\n", open("nope", O_RDONLY), errno);
  printf("unlink: %d\n", unlink("g0"));
  printf("rmdir non-empty: %d errno %d\n", rmdir("."), errno == EINVAL || errno == EBUSY || errno == ENOTEMPTY);
  for (int i = 1; i < 5; i++) { snprintf(path, sizeof path, "f%d", i); unlink(path); }
  unlink("link"); unlink("data.txt"); rmdir("sub");
  chdir("/");
  printf("rmdir: %d\n", rmdir(argv[1]));
  return 0;
}
