// Regenerates a chart's values.schema.json and its README parameter table from the ## @param comments in values.yaml
// (@bitnami/readme-generator-for-helm), then closes every object it describes key by key (additionalProperties: false),
// so Helm rejects a misspelt value on lint/template/install. Objects declared [object]/[array] stay open.
// Usage: NODE_PATH=.tools/chart-check/node_modules node tools/chart/values-schema.js deploy/helm/xaivision [outDir]
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const chart = process.argv[2];
const out = process.argv[3] ?? chart;
const generator = path.join(process.env.NODE_PATH.split(path.delimiter)[0], '.bin', 'readme-generator');
fs.mkdirSync(out, { recursive: true });
const readme = path.join(out, 'README.md');
if (out !== chart || !fs.existsSync(readme)) fs.copyFileSync(path.join(chart, 'README.md'), readme);
const schemaFile = path.join(out, 'values.schema.json');
execFileSync(generator, ['--values', path.join(chart, 'values.yaml'), '--readme', readme, '--schema', schemaFile], { stdio: 'ignore' });

function close(node) {
  if (node.type === 'object' && node.properties && Object.keys(node.properties).length > 0) {
    node.additionalProperties = false;
    for (const child of Object.values(node.properties)) close(child);
  }
}
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
// The generator leaves [object]/[array] parameters out of the schema: put them back, open (any keys), with their type.
for (const m of fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8').matchAll(/^## @param (\S+) \[(object|array)\] (.*)$/gm)) {
  let node = schema;
  const keys = m[1].split('.');
  for (const key of keys.slice(0, -1)) node = node.properties[key];
  node.properties[keys.at(-1)] = { type: m[2], description: m[3] };
}
close(schema);
fs.writeFileSync(schemaFile, JSON.stringify(schema, null, 2) + '\n');
