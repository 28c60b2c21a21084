/* Writes through a NULL pointer: must die with SIGSEGV (exit status 139 from a shell). */
int main(void) {
  *(volatile int *)0 = 42;
  return 0;
}
