#!/usr/bin/env node
// The oracle side of xraykit's differential tests.
//
// One long-lived process: JSON Lines in (the case format of tests/oracle/README.md), JSON Lines out,
// one answer per case, in input order:
//
//   {"id": ..., "decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error",
//    "errors"?: [...], "blocked_by"?: [...], "ignored_context_keys"?: [...], "exception"?: "..."}
//
// Each case is translated into a Simulation of @cloud-copilot/iam-simulate (an independent,
// AGPL-licensed evaluator installed at test time by `npm ci` in this folder; it is never shipped
// with xraykit) and run in its strict mode. "Error" means the evaluator rejected the input; if it
// threw instead, the answer also carries "exception", so a harness can tell a rejection from a crash.
//
// Usage: node run_oracle.mjs < cases.jsonl > answers.jsonl

import { realpathSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { runSimulation } from '@cloud-copilot/iam-simulate'

/** Is this value a policy wrapper `{"name": ..., "policy": {...}}` rather than a document? */
function isNamedPolicy(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.prototype.hasOwnProperty.call(value, 'policy') &&
    !Object.prototype.hasOwnProperty.call(value, 'Statement')
  )
}

/** The document of a policy given plainly or wrapped. */
function documentOf(value) {
  return isNamedPolicy(value) ? value.policy : value
}

/**
 * Policies get their case path as name (`identity_policies[1]`), so the evaluator's errors, which it
 * keys by policy name, point back into the case.
 */
function namedList(policies, field) {
  return (policies ?? []).map((policy, index) => ({
    name: `${field}[${index}]`,
    policy: documentOf(policy)
  }))
}

/**
 * SCPs or RCPs of the case as organization levels, root first. A flat list of policies is one
 * level; a list of lists is one level per inner list (each level must allow on its own).
 */
function orgLevels(levels, field) {
  if (!levels || levels.length === 0) {
    return []
  }
  const nested = levels.every((level) => Array.isArray(level))
  const grouped = nested ? levels : [levels]
  return grouped.map((policies, levelIndex) => ({
    orgIdentifier: nested ? `${field}[${levelIndex}]` : field,
    policies: policies.map((policy, index) => ({
      name: nested ? `${field}[${levelIndex}][${index}]` : `${field}[${index}]`,
      policy: documentOf(policy)
    }))
  }))
}

/** The account of an ARN (its fifth field), or undefined when it has none. */
function arnAccount(arn) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) {
    return undefined
  }
  const parts = arn.split(':')
  return parts.length >= 6 && parts[4] !== '' ? parts[4] : undefined
}

/** Context values are strings or lists of strings; numbers and booleans mean their string form. */
function contextValue(value) {
  if (Array.isArray(value)) {
    return value.map((item) => String(item))
  }
  return String(value)
}

/**
 * The request context: the case's `context`, then `aws:ResourceTag/K` for each resource tag and
 * `aws:RequestTag/K` plus `aws:TagKeys` for the request tags; a tag never replaces a key the context
 * already has (key names compare case-insensitively).
 */
function buildContext(testCase) {
  const context = {}
  const present = new Set()
  const add = (key, value, fromTags) => {
    const lower = key.toLowerCase()
    if (fromTags && present.has(lower)) {
      return
    }
    present.add(lower)
    context[key] = contextValue(value)
  }
  for (const [key, value] of Object.entries(testCase.context ?? {})) {
    add(key, value, false)
  }
  for (const [key, value] of Object.entries(testCase.resource_tags ?? {})) {
    add(`aws:ResourceTag/${key}`, value, true)
  }
  const requestTags = testCase.request_tags ?? {}
  for (const [key, value] of Object.entries(requestTags)) {
    add(`aws:RequestTag/${key}`, value, true)
  }
  if (Object.keys(requestTags).length > 0) {
    add('aws:TagKeys', Object.keys(requestTags), true)
  }
  return context
}

/** Translate one case of the JSON Lines format into an iam-simulate Simulation. */
export function toSimulation(testCase) {
  const resource = testCase.resource ?? '*'
  const accountId =
    testCase.resource_account ?? arnAccount(resource) ?? arnAccount(testCase.principal) ?? ''
  const simulation = {
    request: {
      principal: testCase.principal,
      action: testCase.action,
      resource: { resource, accountId: String(accountId) },
      contextVariables: buildContext(testCase)
    },
    identityPolicies: namedList(testCase.identity_policies, 'identity_policies'),
    serviceControlPolicies: orgLevels(testCase.scps, 'scps'),
    resourceControlPolicies: orgLevels(testCase.rcps, 'rcps'),
    // Resource tags given in a case are authoritative, S3 included (as for a bucket with ABAC on).
    additionalSettings: { s3: { bucketAbacEnabled: true } }
  }
  const boundaries = testCase.permission_boundaries ?? []
  if (boundaries.length > 0) {
    simulation.permissionBoundaryPolicies = namedList(boundaries, 'permission_boundaries')
  }
  if (testCase.session_policy) {
    simulation.sessionPolicy = documentOf(testCase.session_policy)
  }
  if (testCase.resource_policy) {
    simulation.resourcePolicy = documentOf(testCase.resource_policy)
  }
  return simulation
}

/** The evaluator's validation errors as flat strings, each prefixed with where it was found. */
function flattenErrors(errors) {
  const lines = []
  const describe = (where, list) => {
    for (const error of list ?? []) {
      const path = error.path ? `.${error.path.replace(/^\./, '')}` : ''
      lines.push(`${where}${path}: ${error.message}`)
    }
  }
  describe('session_policy', errors.sessionPolicyErrors)
  describe('resource_policy', errors.resourcePolicyErrors)
  for (const field of [
    'identityPolicyErrors',
    'permissionBoundaryErrors',
    'serviceControlPolicyErrors',
    'resourceControlPolicyErrors',
    'vpcEndpointErrors'
  ]) {
    for (const [name, list] of Object.entries(errors[field] ?? {})) {
      describe(name, list)
    }
  }
  for (const message of errors.anonymousRequestErrors ?? []) {
    lines.push(message)
  }
  if (lines.length === 0) {
    lines.push(errors.message)
  }
  return lines
}

/** Decide one case; never throws. */
export async function decide(testCase) {
  const id = testCase?.id ?? null
  try {
    const response = await runSimulation(toSimulation(testCase), { simulationMode: 'Strict' })
    if (response.resultType === 'error') {
      return { id, decision: 'Error', errors: flattenErrors(response.errors) }
    }
    const answer = { id, decision: response.overallResult }
    if (response.resultType === 'single') {
      const blockedBy = response.result.analysis?.blockedBy
      if (blockedBy && blockedBy.length > 0) {
        answer.blocked_by = blockedBy
      }
      const ignored = response.result.ignoredContextKeys ?? []
      if (ignored.length > 0) {
        answer.ignored_context_keys = ignored
      }
    } else {
      // A request resource with `*` for an action that has resource types: the evaluator ran one
      // simulation per matching pattern. Generated cases avoid this; say so when it happens.
      answer.result_type = response.resultType
    }
    return answer
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { id, decision: 'Error', errors: [message], exception: message }
  }
}

async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') {
      continue
    }
    let answer
    try {
      answer = await decide(JSON.parse(line))
    } catch (error) {
      const message = `not a JSON case: ${error instanceof Error ? error.message : String(error)}`
      answer = { id: null, decision: 'Error', errors: [message], exception: message }
    }
    process.stdout.write(JSON.stringify(answer) + '\n')
  }
}

// Run as a program (not when imported).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main()
}
