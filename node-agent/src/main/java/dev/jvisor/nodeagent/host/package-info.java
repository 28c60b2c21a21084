/**
 * Host file handling: the install lock, atomic writes (temp name, fsync, rename, directory fsync), the artifact
 * copy with checksum verification and the atomic {@code current} symlink, and the /dev/kvm check.
 */
package dev.jvisor.nodeagent.host;
