/** Operator settings, independent of Quarkus so the reconciler can be driven from plain tests and benchmarks. */
package dev.jvisor.operator.config;
