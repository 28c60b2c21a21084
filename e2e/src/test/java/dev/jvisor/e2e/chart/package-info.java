/**
 * Tests of the Helm chart in {@code helm/jvisor}, with Helm itself as a library (helm-java): lint, render with default
 * and custom values, and assertions on the parsed objects. No cluster is needed.
 */
package dev.jvisor.e2e.chart;
