/**
 * Reporting to Kubernetes through the Node object (fabric8): the ready label the RuntimeClass schedules on
 * ({@code jvisor.dev/<sandboxruntime>=ready}), the status annotation ({@code jvisor.dev/<sandboxruntime>.status},
 * JSON) and the operator's uninstall request ({@code jvisor.dev/<sandboxruntime>.uninstall=true}).
 */
package dev.jvisor.nodeagent.kube;
