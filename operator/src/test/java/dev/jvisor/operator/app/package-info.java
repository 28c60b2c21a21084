/** Tests of the Quarkus application: wiring, health, metrics, and the fast-jar's start against no API server. */
package dev.jvisor.operator.app;
