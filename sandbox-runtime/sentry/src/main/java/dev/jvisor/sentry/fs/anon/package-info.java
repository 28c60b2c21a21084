/** Files with no name: epoll instances, eventfds, timerfds and pidfds. */
package dev.jvisor.sentry.fs.anon;
