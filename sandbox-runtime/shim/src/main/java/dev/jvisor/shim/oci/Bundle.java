package dev.jvisor.shim.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI bundle directory: its parsed config.json and the resolved root. Errors name the bundle and the problem in
 * words a user can act on ({@link BundleException}).
 */
public record Bundle(Path dir, Spec spec) {
  /** config.json larger than this is refused: real ones are a few KiB, and the file may come from anyone. */
  public static final long MAX_CONFIG_BYTES = 4L << 20;
  /** CRI's annotation naming the container type; "sandbox" is the pod's pause container. */
  public static final String CRI_CONTAINER_TYPE = "io.kubernetes.cri.container-type";
  public static final String CRI_SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
  public static final String RUNC_GROUP = "io.containerd.runc.v2.group";

  private static final JsonFactory STREAMS = new JsonFactory();

  /** Thrown for a bundle that cannot be used; the message says why. */
  public static final class BundleException extends Exception {
    public BundleException(String message) {
      super(message);
    }

    public BundleException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads {@code dir/config.json}; does not require the root to exist yet (containerd mounts it at Create). A pod's
   * pause container (CRI's container type "sandbox") runs nothing, so of its spec only the annotations are kept,
   * read by a streaming pass that still rejects malformed JSON: the least work on RunPodSandbox's path, which
   * every pod waits for.
   */
  public static Bundle read(Path dir) throws BundleException {
    Path config = dir.resolve("config.json");
    try {
      if (!Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)) {
        throw new BundleException(config + " is missing or not a regular file");
      }
      long size = Files.size(config);
      if (size > MAX_CONFIG_BYTES) {
        throw new BundleException(config + " is " + size + " bytes, more than the " + MAX_CONFIG_BYTES + " allowed");
      }
      byte[] json = Files.readAllBytes(config);
      Map<String, String> annotations = annotations(json, config.toString());
      if ("sandbox".equals(annotations.get(CRI_CONTAINER_TYPE))) {
        return new Bundle(dir, Spec.podSandbox(annotations));
      }
      return new Bundle(dir, parse(json, config.toString()));
    } catch (IOException e) {
      throw new BundleException("cannot read " + config + ": " + e.getMessage(), e);
    }
  }

  /**
   * The top-level "annotations" object's string members (others skipped), after checking the whole document;
   * none when the document is not an object.
   */
  static Map<String, String> annotations(byte[] json, String what) throws BundleException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = STREAMS.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return out; // not a pause container's: the full parse says what is wrong with it
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("annotations") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING) {
              out.put(key, p.getText());
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new BundleException(what + " is not a valid OCI spec: data after the top-level object");
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new BundleException(what + " is not a valid OCI spec: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BundleException("cannot parse " + what + ": " + e.getMessage(), e);
    }
  }

  static Spec parse(byte[] json, String what) throws BundleException {
    return read(json, what + " is empty (null)", what + " is not a valid OCI spec", SpecReader::spec);
  }

  /** Parses the linux.resources of an Update (the JSON inside UpdateTaskRequest.resources). */
  public static Spec.Resources parseResources(byte[] json) throws BundleException {
    return read(json, "resources are empty (null)", "resources are not valid JSON for OCI linux.resources",
        n -> SpecReader.resources(n, ""));
  }

  /** Parses an exec's process spec (the JSON inside ExecProcessRequest.spec). */
  public static Spec.Process parseProcess(byte[] json) throws BundleException {
    return read(json, "exec process spec is empty (null)", "exec process spec is not valid JSON for an OCI process",
        n -> SpecReader.process(n, ""));
  }

  /** How a document's tree becomes a model object. */
  private interface Reader<T> {
    T read(JsonNode tree) throws BundleException;
  }

  /** A JSON document read by {@code reader}; JSON null is {@code empty}, any error is prefixed {@code invalid}. */
  private static <T> T read(byte[] json, String empty, String invalid, Reader<T> reader) throws BundleException {
    JsonNode tree;
    try {
      tree = SpecReader.tree(json);
    } catch (BundleException e) {
      throw new BundleException(invalid + ": " + e.getMessage(), e);
    }
    if (tree.isNull()) {
      throw new BundleException(empty);
    }
    try {
      return reader.read(tree);
    } catch (BundleException e) {
      throw new BundleException(invalid + ": " + e.getMessage(), e);
    }
  }

  /** A spec with every part a CRI container's has, for {@link #warmUp}: each part has its own deserializer. */
  private static final String WARM_UP_SPEC = """
      {"ociVersion":"1.0.2-dev","process":{"user":{"uid":0,"gid":0,"additionalGids":[0]},"args":["/pause"],
      "env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_CHOWN"]},"noNewPrivileges":true,
      "oomScoreAdj":-998,"rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]},
      "root":{"path":"rootfs","readonly":true},"hostname":"h",
      "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid","noexec","nodev"]}],
      "annotations":{"io.kubernetes.cri.container-type":"sandbox"},
      "linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":67108864},
      "cpu":{"shares":2}},"cgroupsPath":"/k8s/x","namespaces":[{"type":"pid"},{"type":"network",
      "path":"/proc/1/ns/net"}],"maskedPaths":["/proc/kcore"],"readonlyPaths":["/proc/bus"]}}
      """;

  /** Runs the config.json readers once (the daemon's warm-up thread: their first run is interpreted code). */
  public static void warmUp() throws BundleException {
    byte[] json = WARM_UP_SPEC.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    annotations(json, "the warm-up spec");
    parse(json, "the warm-up spec");
  }

  public Map<String, String> annotations() {
    return spec.annotations == null ? Map.of() : spec.annotations;
  }

  /** The pod's pause container: jvisor runs nothing for it. */
  public boolean isPodSandbox() {
    return "sandbox".equals(annotations().get(CRI_CONTAINER_TYPE));
  }

  /** The shim group: one shim per pod (see containerd-shim-v2.md, "Grouping"). */
  public String groupId(String taskId) {
    Map<String, String> a = annotations();
    if (a.containsKey(RUNC_GROUP)) {
      return a.get(RUNC_GROUP);
    }
    return a.getOrDefault(CRI_SANDBOX_ID, taskId);
  }

  /** The root directory: root.path, relative to the bundle unless absolute. */
  public Path rootPath() throws BundleException {
    if (spec.root == null || spec.root.path == null || spec.root.path.isEmpty()) {
      throw new BundleException(dir + "/config.json has no root.path");
    }
    return dir.resolve(spec.root.path).normalize();
  }

  /** The root, checked to be an existing directory. */
  public Path existingRoot() throws BundleException {
    Path root = rootPath();
    if (!Files.isDirectory(root)) {
      throw new BundleException("rootfs " + root + " is missing or not a directory");
    }
    return root;
  }
}
