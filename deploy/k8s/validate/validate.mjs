// Validates the manifests of deploy/k8s offline, without a cluster: node validate.mjs DIR. Each document of each
// file that kustomization.yaml lists is checked
//   - against the Kubernetes API schema (types, required fields, formats), by the validators that the npm package
//     kubernetes-models ships compiled from Kubernetes' OpenAPI;
//   - for unknown fields (a typo such as imagePullPolcy, which the schema allows and the API server drops): a field
//     that @kubernetes/client-node's model of the kind does not keep on a round trip is unknown;
//   - for references between them: selector and pod labels, volume mounts, probe and Service ports, the ConfigMap,
//     Secret and ServiceAccount the pods name.
// Prints one line per problem and exits 1 if there is any.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

const dir = process.argv[2];
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

const kustomization = parse(join(dir, "kustomization.yaml"))[0];
const listed = kustomization.resources ?? [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
  if (!listed.includes(file)) problem(file, "not listed in kustomization.yaml's resources");
}

const objects = [];
for (const file of listed) {
  for (const [i, doc] of parse(join(dir, file)).entries()) {
    const where = `${file}#${i + 1} ${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
    if (!doc?.apiVersion || !doc?.kind) {
      problem(where, "no apiVersion or kind");
      continue;
    }
    objects.push({ where, doc });
    await checkSchema(where, doc);
    checkUnknownFields(where, doc);
  }
}
checkReferences();

for (const line of problems) console.log(`k8s-validate: ${line}`);
console.log(`k8s-validate: ${objects.length} objects in ${listed.length} files, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);

function parse(path) {
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => {
    if (d.errors.length) problem(path, d.errors.map((e) => e.message).join("; "));
    return d.toJS();
  });
}

async function checkSchema(where, doc) {
  const module = `kubernetes-models/${doc.apiVersion}`;
  let Model;
  try {
    Model = (await import(module))[doc.kind];
  } catch (e) {
    Model = undefined;
  }
  if (!Model) return problem(where, `no schema for ${doc.apiVersion} ${doc.kind} (expected: a built-in Kubernetes kind)`);
  try {
    new Model(doc).validate();
  } catch (e) {
    problem(where, `schema: ${e.message}`);
  }
}

function checkUnknownFields(where, doc) {
  const version = doc.apiVersion.split("/").pop();
  const type = version[0].toUpperCase() + version.slice(1) + doc.kind;
  const kept = ObjectSerializer.serialize(ObjectSerializer.deserialize(doc, type), type);
  (function walk(original, round, path) {
    if (original === null || typeof original !== "object") return;
    for (const key of Object.keys(original)) {
      const at = Array.isArray(original) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (round === null || typeof round !== "object" || !(key in round)) problem(where, `unknown field ${at}`);
      else walk(original[key], round[key], at);
    }
  })(doc, kept, "");
}

function checkReferences() {
  const named = (kind) => new Set(objects.filter((o) => o.doc.kind === kind).map((o) => o.doc.metadata.name));
  const configMaps = named("ConfigMap"), secrets = named("Secret"), accounts = named("ServiceAccount");
  const podPorts = new Map();
  for (const { where, doc } of objects.filter((o) => ["DaemonSet", "Deployment", "StatefulSet"].includes(o.doc.kind))) {
    const selector = doc.spec.selector?.matchLabels ?? {};
    const labels = doc.spec.template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) problem(where, `selector ${k}=${v} does not match the pod template's labels`);
    }
    const pod = doc.spec.template.spec;
    if (pod.serviceAccountName && !accounts.has(pod.serviceAccountName)) {
      problem(where, `serviceAccountName ${pod.serviceAccountName}: no such ServiceAccount here`);
    }
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !configMaps.has(v.configMap.name)) problem(where, `volume ${v.name}: no ConfigMap ${v.configMap.name}`);
      if (v.secret && !secrets.has(v.secret.secretName)) problem(where, `volume ${v.name}: no Secret ${v.secret.secretName}`);
    }
    for (const c of pod.containers) {
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) problem(where, `container ${c.name}: volumeMount ${m.name} names no volume`);
      }
      for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (port !== undefined && !ports.has(port)) problem(where, `container ${c.name}: ${probe} port ${port} is none of its ports`);
      }
      for (const p of ports) podPorts.set(p, labels);
    }
  }
  for (const { where, doc } of objects.filter((o) => o.doc.kind === "Service")) {
    for (const p of doc.spec.ports ?? []) {
      if (!podPorts.has(p.targetPort ?? p.port)) problem(where, `port ${p.name}: targetPort ${p.targetPort} is no pod's port`);
    }
    const selected = [...podPorts.values()].some((labels) =>
      Object.entries(doc.spec.selector ?? {}).every(([k, v]) => labels[k] === v));
    if (!selected) problem(where, "its selector matches no pod template here");
  }
}
