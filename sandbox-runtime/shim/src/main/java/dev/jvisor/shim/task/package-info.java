/**
 * The Task service ({@code containerd.task.v2.Task}): containers and their processes as containerd sees them, each
 * app container backed by a Sentry {@link dev.jvisor.sentry.Sandbox}, the pod's pause container by nothing.
 */
package dev.jvisor.shim.task;
