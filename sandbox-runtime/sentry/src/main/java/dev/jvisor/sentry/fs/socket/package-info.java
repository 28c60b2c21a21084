/**
 * AF_UNIX sockets that live entirely in the Sentry: stream, datagram and seqpacket sockets, socketpair, names
 * bound in the sandbox's filesystem or abstract namespace, and SCM_RIGHTS. No host socket is ever involved.
 */
package dev.jvisor.sentry.fs.socket;
