/** Pipes: a bounded in-memory ring shared by a read end and a write end (pipe(7) semantics). */
package dev.jvisor.sentry.fs.pipe;
