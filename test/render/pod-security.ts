/*
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, policy
 * version "latest" as of Kubernetes 1.35), evaluated over a pod template: every control of
 * `baseline`, and of `restricted` on top. A `privileged` namespace admits anything.
 */

export type Level = "privileged" | "baseline" | "restricted";

type Obj = { readonly [key: string]: unknown };
const obj = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);

const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
  "image",
]);

/** Where a kind keeps its pod template (metadata and spec). */
export function podTemplateOf(object: {
  readonly kind: string;
  readonly [key: string]: unknown;
}): { metadata: Obj; spec: Obj } | undefined {
  const spec = obj(object["spec"]);
  switch (object.kind) {
    case "Pod":
      return { metadata: obj(object["metadata"]), spec };
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "ReplicationController":
    case "Job":
      return { metadata: obj(obj(spec["template"])["metadata"]), spec: obj(obj(spec["template"])["spec"]) };
    case "CronJob": {
      const template = obj(obj(obj(spec["jobTemplate"])["spec"])["template"]);
      return { metadata: obj(template["metadata"]), spec: obj(template["spec"]) };
    }
    default:
      return undefined;
  }
}

/** Every control of `level` the pod template breaks, one line each (`container x: ...`). */
export function podSecurityViolations(template: { metadata: Obj; spec: Obj }, level: Level): string[] {
  if (level === "privileged") return [];
  const { metadata, spec } = template;
  const problems: string[] = [];
  const podContext = obj(spec["securityContext"]);
  const containers = [
    ...list(spec["initContainers"]).map((c) => ({ c, label: `initContainer ${String(c["name"])}` })),
    ...list(spec["containers"]).map((c) => ({ c, label: `container ${String(c["name"])}` })),
    ...list(spec["ephemeralContainers"]).map((c) => ({ c, label: `ephemeralContainer ${String(c["name"])}` })),
  ];
  const annotations = obj(metadata["annotations"]);

  // baseline
  for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[key] === true) problems.push(`${key}: true (host namespaces)`);
  if (obj(podContext["windowsOptions"])["hostProcess"] === true) problems.push("windowsOptions.hostProcess: true");
  for (const volume of list(spec["volumes"]))
    if (volume["hostPath"] !== undefined) problems.push(`volume ${String(volume["name"])}: hostPath`);
  const seLinux = (context: Obj, at: string) => {
    const options = obj(context["seLinuxOptions"]);
    if (!SELINUX_TYPES.has(String(options["type"] ?? ""))) problems.push(`${at}seLinuxOptions.type ${String(options["type"])}`);
    if (options["user"] !== undefined || options["role"] !== undefined) problems.push(`${at}seLinuxOptions user or role set`);
  };
  seLinux(podContext, "pod ");
  if (obj(podContext["seccompProfile"])["type"] === "Unconfined") problems.push("pod seccompProfile Unconfined");
  if (obj(podContext["appArmorProfile"])["type"] === "Unconfined") problems.push("pod appArmorProfile Unconfined");
  for (const sysctl of list(podContext["sysctls"]))
    if (!SAFE_SYSCTLS.has(String(sysctl["name"]))) problems.push(`sysctl ${String(sysctl["name"])} is not a safe sysctl`);
  for (const [key, value] of Object.entries(annotations)) {
    if (
      key.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
      value !== "runtime/default" &&
      !String(value).startsWith("localhost/")
    ) {
      problems.push(`AppArmor annotation ${key}: ${String(value)}`);
    }
  }
  for (const { c, label } of containers) {
    const context = obj(c["securityContext"]);
    if (context["privileged"] === true) problems.push(`${label}: privileged`);
    if (obj(context["windowsOptions"])["hostProcess"] === true) problems.push(`${label}: windowsOptions.hostProcess`);
    const added = (Array.isArray(obj(context["capabilities"])["add"]) ? (obj(context["capabilities"])["add"] as unknown[]) : []).map(
      String,
    );
    for (const cap of added) if (!BASELINE_CAPABILITIES.has(cap)) problems.push(`${label}: adds capability ${cap}`);
    for (const port of list(c["ports"]))
      if (port["hostPort"] !== undefined && port["hostPort"] !== 0) problems.push(`${label}: hostPort ${String(port["hostPort"])}`);
    seLinux(context, `${label}: `);
    if (context["procMount"] !== undefined && context["procMount"] !== "Default")
      problems.push(`${label}: procMount ${String(context["procMount"])}`);
    if (obj(context["seccompProfile"])["type"] === "Unconfined") problems.push(`${label}: seccompProfile Unconfined`);
    if (obj(context["appArmorProfile"])["type"] === "Unconfined") problems.push(`${label}: appArmorProfile Unconfined`);
  }
  if (level === "baseline") return problems;

  // restricted
  for (const volume of list(spec["volumes"])) {
    const type = Object.keys(volume).find((key) => key !== "name");
    if (type !== undefined && !RESTRICTED_VOLUMES.has(type)) problems.push(`volume ${String(volume["name"])}: type ${type} is not allowed`);
  }
  const podNonRoot = podContext["runAsNonRoot"] === true;
  if (podContext["runAsUser"] === 0) problems.push("pod runAsUser 0");
  const podSeccomp = ["RuntimeDefault", "Localhost"].includes(String(obj(podContext["seccompProfile"])["type"]));
  for (const { c, label } of containers) {
    const context = obj(c["securityContext"]);
    if (context["allowPrivilegeEscalation"] !== false) problems.push(`${label}: allowPrivilegeEscalation is not false`);
    if (context["runAsNonRoot"] === false || (!podNonRoot && context["runAsNonRoot"] !== true))
      problems.push(`${label}: runAsNonRoot is not true (pod or container)`);
    if (context["runAsUser"] === 0) problems.push(`${label}: runAsUser 0`);
    const seccomp = obj(context["seccompProfile"])["type"];
    if (seccomp === undefined ? !podSeccomp : !["RuntimeDefault", "Localhost"].includes(String(seccomp)))
      problems.push(`${label}: seccompProfile is not RuntimeDefault or Localhost (pod or container)`);
    const capabilities = obj(context["capabilities"]);
    const drop = (Array.isArray(capabilities["drop"]) ? (capabilities["drop"] as unknown[]) : []).map(String);
    if (!drop.includes("ALL")) problems.push(`${label}: capabilities do not drop ALL`);
    const added = (Array.isArray(capabilities["add"]) ? (capabilities["add"] as unknown[]) : []).map(String);
    for (const cap of added)
      if (cap !== "NET_BIND_SERVICE") problems.push(`${label}: adds capability ${cap} (restricted allows NET_BIND_SERVICE only)`);
  }
  return problems;
}
