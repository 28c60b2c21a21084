/** Files with no name: epoll instances and eventfds. */
package dev.jvisor.sentry.fs.anon;
