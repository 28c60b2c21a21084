/** Unit tests of the node contract: report parsing and aggregation rules. */
package dev.jvisor.operator.node;
