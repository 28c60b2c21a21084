/**
 * ttrpc, containerd's small RPC protocol: 10-byte big-endian frame headers carrying protobuf Request/Response
 * messages over a unix socket. {@link dev.jvisor.shim.ttrpc.FrameReader} decodes frames with hard size bounds,
 * {@link dev.jvisor.shim.ttrpc.TtrpcServer} serves many connections and concurrent streams,
 * {@link dev.jvisor.shim.ttrpc.TtrpcClient} makes calls (event forwarding).
 */
package dev.jvisor.shim.ttrpc;
