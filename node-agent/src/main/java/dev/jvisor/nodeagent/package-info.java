/**
 * The jvisor node-agent: installs the sandbox runtime on one node (artifacts, containerd config, restart,
 * verification, node label) and undoes it exactly. {@link dev.jvisor.nodeagent.Main} is the command line; the
 * steps live in {@code lifecycle}, containerd knowledge in {@code containerd}, the format-preserving TOML editing in
 * {@code toml}, host file handling in {@code host}.
 */
package dev.jvisor.nodeagent;
