/* Address-space behaviour: mmap/munmap/mprotect/mremap/brk/madvise, printed as facts. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long sum(const unsigned char *p, size_t n) {
  unsigned long s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

int main(void) {
  size_t len = 1 << 20;
  unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) { perror("mmap"); return 1; }
  printf("fresh anonymous memory is zero: %d\n", a[0] == 0 && a[len - 1] == 0);
  for (size_t i = 0; i < len; i++) a[i] = (unsigned char)(i * 7);
  printf("checksum %lx\n", sum(a, len));
  printf("munmap tail: %d\n", munmap(a + len / 2, len / 2));
  printf("mprotect read-only: %d\n", mprotect(a, 4096, PROT_READ));
  printf("still readable: %d\n", a[1] == 7);
  printf("mremap across two VMAs fails: %d\n", mremap(a, len / 2, len, MREMAP_MAYMOVE) == MAP_FAILED);
  printf("mprotect back to read-write: %d\n", mprotect(a, 4096, PROT_READ | PROT_WRITE));
  unsigned char *b = mremap(a, len / 2, len * 2, MREMAP_MAYMOVE);
  printf("mremap grow ok: %d, data kept: %d\n", b != MAP_FAILED, b != MAP_FAILED && b[4097] == (unsigned char)(4097 * 7));
  printf("madvise dontneed: %d\n", madvise(b + 8192, 4096, MADV_DONTNEED));
  printf("dropped page reads zero: %d\n", b[8192] == 0);
  size_t big = 64 << 20; /* larger than the eager limit: filled on demand */
  unsigned char *c = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (size_t i = 0; i < big; i += 4096) c[i] = 1;
  unsigned long n = 0;
  for (size_t i = 0; i < big; i += 4096) n += c[i];
  printf("touched pages: %lu\n", n);
  void *cur = sbrk(0);
  printf("brk grow: %d\n", sbrk(1 << 16) == cur);
  memset(cur, 0xab, 1 << 16);
  printf("brk memory usable: %d\n", ((unsigned char *)cur)[65535] == 0xab);
  printf("brk shrink: %d\n", brk(cur) == 0);
  void *none = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("PROT_NONE then RW: %d\n", mprotect(none, 8192, PROT_READ | PROT_WRITE) == 0 && ((char *)none)[5] == 0);
  printf("munmap of unaligned address fails: %d\n", munmap((char *)none + 1, 10) == -1);
  return 0;
}
