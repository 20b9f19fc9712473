// Condition blocks through iam-simulate, one JSON line in, one JSON line out.
// Input:  {"id": ..., "condition": {...}, "context": {...}}
// Output: {"id": ..., "decision": "Allowed" | "ImplicitlyDenied" | "Error", "errors"?: ...}
// Each block sits in one Allow statement for xray:PutTraceSegments on "*", so the decision is
// "Allowed" exactly when the block holds. Global condition keys are accepted for every action.
// The package is looked up in $XRAYKIT_ORACLE_DIR/node_modules (default: ../oracle).
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.XRAYKIT_ORACLE_DIR || path.join(here, '..', 'oracle');
const require = createRequire(path.join(base, 'index.js'));
const { runSimulation } = await import(pathToFileURL(require.resolve('@cloud-copilot/iam-simulate')).href);

const action = 'xray:PutTraceSegments';
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const item = JSON.parse(line);
  const statement = { Effect: 'Allow', Action: action, Resource: '*', Condition: item.condition };
  const simulation = {
    identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: [statement] } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: 'arn:aws:iam::123456789012:user/alice',
      action,
      resource: { resource: '*', accountId: '123456789012' },
      contextVariables: item.context ?? {},
    },
  };
  let out;
  try {
    const result = await runSimulation(simulation, {});
    out = result.resultType === 'error'
      ? { id: item.id, decision: 'Error', errors: result.errors }
      : { id: item.id, decision: result.result.analysis.result };
  } catch (error) {
    out = { id: item.id, decision: 'Error', errors: String(error) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
