// Validates every object of a rendered manifest (helm template output) against its OpenAPI schema, offline:
// Kubernetes kinds with kubernetes-models, KEDA kinds with @kubernetes-models/keda. An unknown apiVersion/kind is an error.
// Usage: NODE_PATH=.tools/chart-check/node_modules node tools/chart/validate-objects.js rendered.yaml
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');

function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path = group === '' ? `kubernetes-models/${version}/${kind}`
    : group.endsWith('keda.sh') ? `@kubernetes-models/keda/${group}/${version}/${kind}`
    : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    return require(path)[kind];
  } catch {
    return null;
  }
}

const documents = yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8')).filter(d => d);
const problems = [];
for (const doc of documents) {
  const name = `${doc.kind}/${doc.metadata?.name}`;
  const Model = modelOf(doc.apiVersion ?? '', doc.kind ?? '');
  if (!Model) { problems.push(`${name}: no schema for ${doc.apiVersion} ${doc.kind}`); continue; }
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
}
for (const p of problems) console.log(p);
console.log(`${documents.length - problems.length}/${documents.length} objects valid`);
process.exit(problems.length === 0 ? 0 : 1);
