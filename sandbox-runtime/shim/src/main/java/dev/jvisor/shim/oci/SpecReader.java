package dev.jvisor.shim.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvisor.shim.oci.Bundle.BundleException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads config.json (and an exec's process, an Update's resources) into {@link Spec} by hand, over jackson-core's
 * streaming parser and a JsonNode tree. Not an ObjectMapper: building its bean deserializers for the spec's classes
 * took ~100 ms of CPU in every pod daemon, on the pod's start path, while this reads a spec in well under 1 ms.
 * Fields the model lacks go to {@link Extensible#unknownFields()}, so they are reported, never dropped; a value of
 * the wrong type is refused with its path (process.args: expected an array of strings).
 */
final class SpecReader {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Nesting deeper than this is refused: the document may come from anyone, and the reader recurses. */
  static final int MAX_DEPTH = 64;

  private SpecReader() {}

  /** The document as a tree; errors say what is wrong, the caller says which document. */
  static JsonNode tree(byte[] json) throws BundleException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new BundleException("no JSON value");
      }
      JsonNode n = value(p, 0);
      if (p.nextToken() != null) {
        throw new BundleException("data after the top-level value");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new BundleException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BundleException(e.getMessage(), e);
    }
  }

  private static JsonNode value(JsonParser p, int depth) throws IOException, BundleException {
    if (depth > MAX_DEPTH) {
      throw new BundleException("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, value(p, depth + 1));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(value(p, depth + 1));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> { // the node types Jackson's own tree reader picks, by size
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NullNode.getInstance();
      }
      default -> throw new BundleException("unexpected JSON token " + t);
    }
  }

  static Spec spec(JsonNode n) throws BundleException {
    ObjectNode o = object(n, "the spec");
    Spec s = new Spec();
    Fields f = new Fields(o, "", s, Set.of("ociVersion", "process", "root", "hostname", "domainname", "mounts",
        "annotations", "linux", "hooks"));
    s.ociVersion = f.string("ociVersion");
    s.process = f.has("process") ? process(o.get("process"), "process.") : null;
    if (f.has("root")) {
      ObjectNode r = object(o.get("root"), "root");
      s.root = new Spec.Root();
      Fields rf = new Fields(r, "root.", s.root, Set.of("path", "readonly"));
      s.root.path = rf.string("path");
      s.root.readonly = rf.bool("readonly");
    }
    s.hostname = f.string("hostname");
    s.domainname = f.string("domainname");
    s.mounts = f.list("mounts", (m, at) -> {
      ObjectNode mo = object(m, at);
      Spec.Mount mount = new Spec.Mount();
      Fields mf = new Fields(mo, at + ".", mount, Set.of("destination", "type", "source", "options"));
      mount.destination = mf.string("destination");
      mount.type = mf.string("type");
      mount.source = mf.string("source");
      mount.options = mf.strings("options");
      return mount;
    }, s.mounts);
    s.annotations = f.stringMap("annotations", s.annotations);
    s.linux = f.has("linux") ? linux(o.get("linux")) : null;
    s.hooks = f.node("hooks");
    return s;
  }

  static Spec.Process process(JsonNode n, String at) throws BundleException {
    ObjectNode o = object(n, at.isEmpty() ? "the process" : at.substring(0, at.length() - 1));
    Spec.Process p = new Spec.Process();
    Fields f = new Fields(o, at, p, Set.of("terminal", "consoleSize", "user", "args", "env", "cwd", "rlimits",
        "capabilities", "noNewPrivileges", "apparmorProfile", "oomScoreAdj", "selinuxLabel", "commandLine"));
    p.terminal = f.bool("terminal");
    if (f.has("consoleSize")) {
      ObjectNode c = object(o.get("consoleSize"), at + "consoleSize");
      p.consoleSize = new Spec.ConsoleSize();
      Fields cf = new Fields(c, at + "consoleSize.", p.consoleSize, Set.of("height", "width"));
      p.consoleSize.height = cf.primitiveInt("height");
      p.consoleSize.width = cf.primitiveInt("width");
    }
    if (f.has("user")) {
      ObjectNode u = object(o.get("user"), at + "user");
      p.user = new Spec.User();
      Fields uf = new Fields(u, at + "user.", p.user, Set.of("uid", "gid", "umask", "additionalGids", "username"));
      p.user.uid = uf.primitiveLong("uid");
      p.user.gid = uf.primitiveLong("gid");
      Long umask = uf.integer("umask");
      p.user.umask = umask == null ? null : Math.toIntExact(umask);
      p.user.additionalGids = uf.list("additionalGids", (g, gat) -> number(g, gat).longValueExact(),
          p.user.additionalGids);
      p.user.username = uf.string("username");
    }
    p.args = f.strings("args");
    p.env = f.strings("env");
    p.cwd = f.string("cwd");
    p.rlimits = f.list("rlimits", (r, rat) -> {
      ObjectNode ro = object(r, rat);
      Spec.Rlimit rl = new Spec.Rlimit();
      Fields rf = new Fields(ro, rat + ".", rl, Set.of("type", "hard", "soft"));
      rl.type = rf.string("type");
      rl.hard = rf.bigInteger("hard");
      rl.soft = rf.bigInteger("soft");
      return rl;
    }, p.rlimits);
    p.capabilities = f.node("capabilities");
    p.noNewPrivileges = f.bool("noNewPrivileges");
    p.apparmorProfile = f.string("apparmorProfile");
    Long adj = f.integer("oomScoreAdj");
    p.oomScoreAdj = adj == null ? null : Math.toIntExact(adj);
    p.selinuxLabel = f.string("selinuxLabel");
    p.commandLine = f.string("commandLine");
    return p;
  }

  private static Spec.Linux linux(JsonNode n) throws BundleException {
    ObjectNode o = object(n, "linux");
    Spec.Linux l = new Spec.Linux();
    Fields f = new Fields(o, "linux.", l, Set.of("namespaces", "resources", "cgroupsPath", "uidMappings",
        "gidMappings", "sysctl", "seccomp", "devices", "maskedPaths", "readonlyPaths", "rootfsPropagation",
        "mountLabel", "intelRdt", "personality"));
    l.namespaces = f.list("namespaces", (ns, at) -> {
      ObjectNode no = object(ns, at);
      Spec.Namespace namespace = new Spec.Namespace();
      Fields nf = new Fields(no, at + ".", namespace, Set.of("type", "path"));
      namespace.type = nf.string("type");
      namespace.path = nf.string("path");
      return namespace;
    }, l.namespaces);
    l.resources = f.has("resources") ? resources(o.get("resources"), "linux.resources.") : null;
    l.cgroupsPath = f.string("cgroupsPath");
    l.uidMappings = f.node("uidMappings");
    l.gidMappings = f.node("gidMappings");
    l.sysctl = f.stringMap("sysctl", null);
    l.seccomp = f.node("seccomp");
    l.devices = f.node("devices");
    l.maskedPaths = f.strings("maskedPaths", null);
    l.readonlyPaths = f.strings("readonlyPaths", null);
    l.rootfsPropagation = f.string("rootfsPropagation");
    l.mountLabel = f.string("mountLabel");
    l.intelRdt = f.node("intelRdt");
    l.personality = f.node("personality");
    return l;
  }

  static Spec.Resources resources(JsonNode n, String at) throws BundleException {
    ObjectNode o = object(n, at.isEmpty() ? "the resources" : at.substring(0, at.length() - 1));
    Spec.Resources r = new Spec.Resources();
    Fields f = new Fields(o, at, r, Set.of("memory", "cpu", "pids", "devices", "blockIO", "hugepageLimits",
        "network", "rdma", "unified"));
    if (f.has("memory")) {
      ObjectNode m = object(o.get("memory"), at + "memory");
      r.memory = new Spec.Memory();
      Fields mf = new Fields(m, at + "memory.", r.memory, Set.of("limit", "reservation", "swap", "kernel",
          "kernelTCP", "swappiness", "disableOOMKiller", "useHierarchy", "checkBeforeUpdate"));
      r.memory.limit = mf.integer("limit");
      r.memory.reservation = mf.integer("reservation");
      r.memory.swap = mf.integer("swap");
      r.memory.kernel = mf.integer("kernel");
      r.memory.kernelTCP = mf.integer("kernelTCP");
      r.memory.swappiness = mf.integer("swappiness");
      r.memory.disableOOMKiller = mf.bool("disableOOMKiller");
      r.memory.useHierarchy = mf.bool("useHierarchy");
      r.memory.checkBeforeUpdate = mf.bool("checkBeforeUpdate");
    }
    r.cpu = f.node("cpu");
    r.pids = f.node("pids");
    r.devices = f.node("devices");
    r.blockIO = f.node("blockIO");
    r.hugepageLimits = f.node("hugepageLimits");
    r.network = f.node("network");
    r.rdma = f.node("rdma");
    r.unified = f.stringMap("unified", null);
    return r;
  }

  private static ObjectNode object(JsonNode n, String at) throws BundleException {
    if (!(n instanceof ObjectNode o)) {
      throw new BundleException(at + ": expected an object, not " + kind(n));
    }
    return o;
  }

  private static BigInteger number(JsonNode n, String at) throws BundleException {
    if (!n.isIntegralNumber()) {
      throw new BundleException(at + ": expected an integer, not " + kind(n));
    }
    return n.bigIntegerValue();
  }

  private static String kind(JsonNode n) {
    return n == null || n.isNull() ? "null" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** How one array element becomes a model value; {@code at} is its path for errors. */
  private interface Element<T> {
    T read(JsonNode n, String at) throws BundleException;
  }

  /** One object's members: typed reads of the known ones, the rest recorded on the model object as unknown. */
  private static final class Fields {
    private final ObjectNode o;
    private final String at;

    Fields(ObjectNode o, String at, Extensible target, Set<String> known) {
      this.o = o;
      this.at = at;
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (!known.contains(e.getKey())) {
          target.unknown(e.getKey(), e.getValue());
        }
      }
    }

    /** Present and not null (null leaves a field at null, as Jackson did). */
    boolean has(String name) {
      JsonNode n = o.get(name);
      return n != null && !n.isNull();
    }

    JsonNode node(String name) {
      return o.get(name); // JSON null stays a NullNode, as Jackson gave a JsonNode field
    }

    String string(String name) throws BundleException {
      if (!has(name)) {
        return null;
      }
      JsonNode n = o.get(name);
      if (!n.isTextual()) {
        throw new BundleException(at + name + ": expected a string, not " + kind(n));
      }
      return n.textValue();
    }

    Boolean bool(String name) throws BundleException {
      if (!has(name)) {
        return null;
      }
      JsonNode n = o.get(name);
      if (!n.isBoolean()) {
        throw new BundleException(at + name + ": expected true or false, not " + kind(n));
      }
      return n.booleanValue();
    }

    Long integer(String name) throws BundleException {
      if (!has(name)) {
        return null;
      }
      try {
        return number(o.get(name), at + name).longValueExact();
      } catch (ArithmeticException e) {
        throw new BundleException(at + name + ": out of range for a 64-bit integer");
      }
    }

    BigInteger bigInteger(String name) throws BundleException {
      return has(name) ? number(o.get(name), at + name) : null;
    }

    long primitiveLong(String name) throws BundleException {
      if (o.has(name) && o.get(name).isNull()) {
        throw new BundleException(at + name + ": null is not a number");
      }
      Long v = integer(name);
      return v == null ? 0 : v;
    }

    int primitiveInt(String name) throws BundleException {
      long v = primitiveLong(name);
      if (v != (int) v) {
        throw new BundleException(at + name + ": out of range for a 32-bit integer");
      }
      return (int) v;
    }

    <T> List<T> list(String name, Element<T> element, List<T> absent) throws BundleException {
      if (!o.has(name)) {
        return absent;
      }
      JsonNode n = o.get(name);
      if (n.isNull()) {
        return null;
      }
      if (!n.isArray()) {
        throw new BundleException(at + name + ": expected an array, not " + kind(n));
      }
      List<T> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        out.add(element.read(n.get(i), at + name + "[" + i + "]"));
      }
      return out;
    }

    List<String> strings(String name) throws BundleException {
      return strings(name, new ArrayList<>());
    }

    List<String> strings(String name, List<String> absent) throws BundleException {
      return list(name, (s, sat) -> {
        if (!s.isTextual()) {
          throw new BundleException(sat + ": expected a string, not " + kind(s));
        }
        return s.textValue();
      }, absent);
    }

    Map<String, String> stringMap(String name, Map<String, String> absent) throws BundleException {
      if (!o.has(name)) {
        return absent;
      }
      JsonNode n = o.get(name);
      if (n.isNull()) {
        return null;
      }
      ObjectNode m = object(n, at + name);
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : m.properties()) {
        if (!e.getValue().isTextual()) {
          throw new BundleException(at + name + "." + e.getKey() + ": expected a string, not " + kind(e.getValue()));
        }
        out.put(e.getKey(), e.getValue().textValue());
      }
      return out;
    }
  }
}
