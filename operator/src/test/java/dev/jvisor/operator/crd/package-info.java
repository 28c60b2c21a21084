/** Tests of the generated CRD: freshness of crds/ and schema validation of the samples in docs/samples. */
package dev.jvisor.operator.crd;
