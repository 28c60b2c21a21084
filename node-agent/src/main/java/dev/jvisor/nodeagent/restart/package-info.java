/**
 * How containerd is restarted after a config change: systemd (the real one on nodes), none (files only), or a
 * command (tests that run their own containerd; hosts with another supervisor). Never SIGHUP: containerd 2.2 exits
 * on it (lesson 2).
 */
package dev.jvisor.nodeagent.restart;
