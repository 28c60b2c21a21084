/** Task events (create, start, exit, delete, exec-added, exec-started) forwarded to containerd. */
package dev.jvisor.shim.events;
