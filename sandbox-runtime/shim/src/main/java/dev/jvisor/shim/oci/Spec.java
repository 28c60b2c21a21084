package dev.jvisor.shim.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * config.json of an OCI bundle (runtime-spec 1.x), the parts jvisor reads. Public fields because this is a wire
 * model filled by Jackson; nested types are named after the spec's objects.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Spec extends Extensible {
  public String ociVersion;
  public Process process;
  public Root root;
  public String hostname;
  public String domainname;
  public List<Mount> mounts = new ArrayList<>();
  public Map<String, String> annotations = new LinkedHashMap<>();
  public Linux linux;
  /** Hooks run host binaries: jvisor never runs them (kept to warn). */
  public JsonNode hooks;

  /** A pod's pause container: its annotations and an empty process (jvisor runs nothing for it). */
  static Spec podSandbox(Map<String, String> annotations) {
    Spec s = new Spec();
    s.annotations = new LinkedHashMap<>(annotations);
    s.process = new Process();
    return s;
  }

  /** The process section of config.json, also the JSON of an exec's spec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Process extends Extensible {
    public Boolean terminal;
    public ConsoleSize consoleSize;
    public User user;
    public List<String> args = new ArrayList<>();
    public List<String> env = new ArrayList<>();
    public String cwd;
    public List<Rlimit> rlimits = new ArrayList<>();
    public JsonNode capabilities;
    public Boolean noNewPrivileges;
    public String apparmorProfile;
    public Integer oomScoreAdj;
    public String selinuxLabel;
    public String commandLine;
  }

  public static final class ConsoleSize extends Extensible {
    public int height;
    public int width;
  }

  public static final class User extends Extensible {
    public long uid;
    public long gid;
    public Integer umask;
    public List<Long> additionalGids = new ArrayList<>();
    public String username;
  }

  /** Values are uint64 in the spec (RLIM_INFINITY = 2^64-1), hence BigInteger. */
  public static final class Rlimit extends Extensible {
    public String type;
    public java.math.BigInteger hard;
    public java.math.BigInteger soft;
  }

  public static final class Root extends Extensible {
    public String path;
    public Boolean readonly;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Mount extends Extensible {
    public String destination;
    public String type;
    public String source;
    public List<String> options = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Linux extends Extensible {
    public List<Namespace> namespaces = new ArrayList<>();
    public Resources resources;
    public String cgroupsPath;
    public JsonNode uidMappings;
    public JsonNode gidMappings;
    public Map<String, String> sysctl;
    public JsonNode seccomp;
    public JsonNode devices;
    public List<String> maskedPaths;
    public List<String> readonlyPaths;
    public String rootfsPropagation;
    public String mountLabel;
    public JsonNode intelRdt;
    public JsonNode personality;
  }

  public static final class Namespace extends Extensible {
    public String type;
    public String path;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Resources extends Extensible {
    public Memory memory;
    public JsonNode cpu;
    public JsonNode pids;
    public JsonNode devices;
    public JsonNode blockIO;
    public JsonNode hugepageLimits;
    public JsonNode network;
    public JsonNode rdma;
    public Map<String, String> unified;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Memory extends Extensible {
    public Long limit;
    public Long reservation;
    public Long swap;
    public Long kernel;
    public Long kernelTCP;
    public Long swappiness;
    public Boolean disableOOMKiller;
    public Boolean useHierarchy;
    public Boolean checkBeforeUpdate;
  }
}
