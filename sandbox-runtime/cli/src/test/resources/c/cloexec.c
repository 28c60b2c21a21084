/* Close-on-exec across fork + exec with several pipes open (subprocess with close_fds=False does this): every
 * write end the child had must be closed by exec or exit, so the parent sees EOF on each pipe. Prints facts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void) {
  for (int layout = 1; layout <= 6; layout++) {
    int p[6][2];
    for (int i = 0; i < layout; i++) pipe2(p[i], O_CLOEXEC);
    int keep;
    pipe(p[5]); /* one pipe without O_CLOEXEC: the child closes it by hand */
    keep = p[5][1];
    pid_t c = fork();
    if (c == 0) {
      for (int i = 0; i < layout; i++) close(p[i][0]);
      close(p[5][0]);
      close(keep);
      dup2(p[0][1], 1);
      execl("/bin/echo", "echo", "out", (char *)NULL);
      _exit(127);
    }
    for (int i = 0; i < layout; i++) close(p[i][1]);
    close(p[5][1]);
    int eofs = 0;
    size_t bytes = 0;
    for (int i = 0; i < layout; i++) {
      char b[64];
      ssize_t n;
      while ((n = read(p[i][0], b, sizeof b)) > 0) bytes += n;
      eofs += n == 0;
      close(p[i][0]);
    }
    close(p[5][0]);
    int st;
    waitpid(c, &st, 0);
    printf("%d pipes: EOF on %d, %zu bytes, child exit %d\n", layout, eofs, bytes, WEXITSTATUS(st));
  }
  return 0;
}
