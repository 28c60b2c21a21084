/* Memory across fork: copy-on-write private pages (heap, stack, file-backed data, PROT_NONE), MAP_SHARED
 * anonymous memory shared both ways, shared futexes and FUTEX_WAKE_OP between processes, a read-only file mapping
 * written after mprotect. Prints facts; the same output natively and sandboxed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int initialized = 42; /* .data: a file-backed private page */

static long futex(atomic_int *uaddr, int op, int val, void *timeout, atomic_int *uaddr2, int val3) {
  return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

int main(void) {
  size_t len = 8 << 20; /* big enough to be filled on demand */
  unsigned char *heap = malloc(len);
  memset(heap, 1, len);
  int stackvar = 7;
  unsigned char *none = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  none[0] = 5;
  mprotect(none, 4096, PROT_NONE);
  int *shared = mmap(NULL, 3 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  atomic_int *word = (atomic_int *)(shared + 1000);
  atomic_int *word2 = (atomic_int *)(shared + 2000);
  shared[(2 << 20) / sizeof(int)] = 0; /* a page far into the area, untouched before fork */

  pid_t p = fork();
  if (p == 0) {
    memset(heap, 2, len);
    stackvar = 8;
    initialized = 43;
    mprotect(none, 4096, PROT_READ | PROT_WRITE);
    none[0] = 6;
    shared[0] = 1234;
    shared[(2 << 20) / sizeof(int)] = 99;
    /* Tell the parent we are ready through a shared futex, then wait for its FUTEX_WAKE_OP on another. */
    atomic_store(word, 1);
    futex(word, FUTEX_WAKE, 1, NULL, NULL, 0);
    while (atomic_load(word2) == 0) futex(word2, FUTEX_WAIT, 0, NULL, NULL, 0);
    _exit(atomic_load(word2) == 3 ? 0 : 1);
  }
  while (atomic_load(word) == 0) futex(word, FUTEX_WAIT, 0, NULL, NULL, 0);
  /* *word2 += 3; wake one waiter on word (there is none) and one on word2 because its old value was 0. */
  long woken = futex(word, FUTEX_WAKE_OP, 1, (void *)1, word2, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0));
  int status;
  waitpid(p, &status, 0);
  printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  printf("wake_op woke at most 1: %d, word2 %d\n", woken <= 1, atomic_load(word2));
  printf("parent heap unchanged: %d %d\n", heap[0], heap[len - 1]);
  printf("parent stack unchanged: %d\n", stackvar);
  printf("parent .data unchanged: %d\n", initialized);
  mprotect(none, 4096, PROT_READ);
  printf("parent PROT_NONE page unchanged: %d\n", none[0]);
  printf("shared memory from the child: %d %d\n", shared[0], shared[(2 << 20) / sizeof(int)]);

  /* The parent writes after the child is gone: its pages are its own again. */
  memset(heap, 3, len);
  printf("parent heap writable after: %d\n", heap[len / 2]);

  /* A private file mapping written after mprotect: the file is not changed. */
  int fd = open("/proc/self/exe", O_RDONLY);
  unsigned char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  unsigned char first = f[1];
  mprotect(f, 4096, PROT_READ | PROT_WRITE);
  f[1] = 'X';
  unsigned char *g = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("file mapping: private write %c, second mapping still %c\n", f[1], g[1] == first ? first : '?');

  /* Many forks sharing the parent's pages: each child sees the parent's data and writes its own copy. */
  int ok = 0;
  for (int i = 0; i < 20; i++) {
    pid_t c = fork();
    if (c == 0) {
      int good = heap[12345] == 3;
      heap[12345] = (unsigned char)i;
      _exit(good && heap[12345] == (unsigned char)i ? 0 : 1);
    }
    waitpid(c, &status, 0);
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  printf("20 children saw the parent's heap: %d, parent still %d\n", ok, heap[12345]);
  return 0;
}
