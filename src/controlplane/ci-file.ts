// The CI/CD YAML (ci.yaml, or the blueprint's `ci:` section), parsed to a Partial<CiConfig>.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { FacetsError } from '../core/errors';
import { CI_STRATEGIES, OPERATORS, REGISTRATION_TYPES, type CiConfig, type Criterion, type ImageVersionPolicy, type Project } from '../core/model';
import { branchRule, parseAdvancedRule } from '../core/routing';
import { join, nodeOf, valueOf, YamlReader, type YamlNode } from './yaml-reader';

const HINT = 'fix the CI/CD file (see the README, "Configure CI/CD", and examples/ci.yaml)';
const CI_KEYS = ['registrationType', 'ciStrategy', 'branchRules', 'rules', 'promotion', 'policy'] as const;

export function loadCiFile(file: string, project?: Project): Partial<CiConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FacetsError('NOT_FOUND', `CI/CD file ${absolute} does not exist`, 'check the path given to --from-file');
    throw new FacetsError('USAGE', `cannot read CI/CD file ${absolute}: ${(e as Error).message}`, 'check the file permissions');
  }
  return parseCiFile(text, path.basename(absolute), project);
}

/** With `project`, targets are checked against its environments and release streams (with positions). */
export function parseCiFile(text: string, fileName: string, project?: Project): Partial<CiConfig> {
  const r = new YamlReader(fileName, text, HINT);
  if (r.root == null) throw r.error(undefined, 'the CI/CD file is empty; it needs at least registrationType');
  return readCiSection(r, r.root, '', project);
}

export function readCiSection(r: YamlReader, node: YamlNode, at: string, project?: Project): Partial<CiConfig> {
  const m = r.map(node, at, CI_KEYS);
  const config: Partial<CiConfig> = {};
  if (m.has('registrationType')) config.registrationType = r.oneOf(valueOf(m.get('registrationType')), join(at, 'registrationType'), REGISTRATION_TYPES);
  if (m.has('ciStrategy')) config.ciStrategy = r.oneOf(valueOf(m.get('ciStrategy')), join(at, 'ciStrategy'), CI_STRATEGIES);
  const branchPair = m.get('branchRules');
  const rulesPair = m.get('rules');
  if (branchPair && rulesPair) throw r.error(rulesPair.key, `${join(at, 'rules')}: use either branchRules (SIMPLE) or rules (ADVANCED), not both`);

  const targets = targetChecker(r, project, config.registrationType);
  if (branchPair) {
    config.routingRules = readBranchRules(r, valueOf(branchPair), join(at, 'branchRules'), targets);
    config.ciStrategy ??= 'SIMPLE';
  }
  if (rulesPair) {
    config.routingRules = readRules(r, valueOf(rulesPair), join(at, 'rules'), targets);
    config.ciStrategy ??= 'ADVANCED';
  }
  if (config.ciStrategy === 'SIMPLE' && rulesPair) {
    const bad = config.routingRules!.findIndex((c) => c.metadataKey !== 'BRANCH_NAME');
    if (bad >= 0) throw r.error(r.seq(valueOf(rulesPair), '')[bad], `${join(at, 'rules')}[${bad}]: ciStrategy SIMPLE routes on BRANCH_NAME only; use ciStrategy: ADVANCED for other metadata keys`);
  }
  const promotionPair = m.get('promotion');
  if (promotionPair) {
    config.promotionHierarchy = r.stringList(valueOf(promotionPair), join(at, 'promotion')).map(({ value, node: n }, i) => targets(n, `${join(at, 'promotion')}[${i}]`, value));
    const seen = new Set<string>();
    config.promotionHierarchy.forEach((v, i) => {
      if (seen.has(v)) throw r.error(r.seq(valueOf(promotionPair), '')[i], `${join(at, 'promotion')}[${i}] "${v}" appears twice in the promotion hierarchy`);
      seen.add(v);
    });
  }
  const policyPair = m.get('policy');
  if (policyPair) config.policy = readPolicy(r, valueOf(policyPair), join(at, 'policy'), targets);
  return config;
}

type TargetCheck = (node: Node, at: string, value: string) => string;

/** Checks a target against the project when one is given; the registration type narrows it when known. */
function targetChecker(r: YamlReader, project: Project | undefined, registrationType: CiConfig['registrationType'] | undefined): TargetCheck {
  return (node, at, value) => {
    if (!project) return value;
    const environments = project.environments.map((e) => e.name);
    const streams = project.releaseStreams.map((s) => s.name);
    if (registrationType === 'ENVIRONMENT' && !environments.includes(value)) {
      throw r.error(node, `${at} "${value}" is not an environment of project ${project.name} (registrationType ENVIRONMENT; known: ${environments.join(', ')})`);
    }
    if (registrationType === 'RELEASE_STREAM' && !streams.includes(value)) {
      throw r.error(node, `${at} "${value}" is not a release stream of project ${project.name} (registrationType RELEASE_STREAM; known: ${streams.join(', ')})`);
    }
    if (!registrationType && !environments.includes(value) && !streams.includes(value)) {
      throw r.error(node, `${at} "${value}" is neither an environment nor a release stream of project ${project.name} (environments: ${environments.join(', ')}; release streams: ${streams.join(', ')})`);
    }
    return value;
  };
}

function readBranchRules(r: YamlReader, node: YamlNode, at: string, targets: TargetCheck): Criterion[] {
  if (!isMap(node)) throw r.error(node, `${at} must be a mapping of branch pattern to target, e.g. {main: dev, "release/*": staging}`);
  return node.items.map((pair, i) => {
    const keyNode = pair.key as Node;
    const pattern = r.string(keyNode, `${at} key`);
    const valueNode = (pair.value ?? keyNode) as Node;
    const routeTo = targets(valueNode, join(at, pattern), r.string(pair.value as Node, join(at, pattern)));
    return r.locate(keyNode, join(at, pattern), () => branchRule(pattern, routeTo, i + 1));
  });
}

function readRules(r: YamlReader, node: YamlNode, at: string, targets: TargetCheck): Criterion[] {
  return r.seq(node, at).map((item, i) => {
    const itemAt = `${at}[${i}]`;
    let rule: Criterion;
    if (isScalar(item)) {
      const spec = r.string(item, itemAt);
      rule = r.locate(item, itemAt, () => parseAdvancedRule(spec, i + 1));
    } else {
      const m = r.map(item, itemAt, ['metadataKey', 'operator', 'value', 'routeTo', 'priority'], ['metadataKey', 'operator', 'routeTo']);
      const valueNode = valueOf(m.get('value'));
      const value = isScalar(valueNode) && valueNode.value === '' ? '' : m.has('value') ? r.string(valueNode, join(itemAt, 'value')) : '';
      rule = {
        metadataKey: r.string(valueOf(m.get('metadataKey')), join(itemAt, 'metadataKey')),
        operator: r.oneOf(valueOf(m.get('operator')), join(itemAt, 'operator'), OPERATORS),
        value,
        priority: m.has('priority') ? readPriority(r, valueOf(m.get('priority')), join(itemAt, 'priority')) : i + 1,
        routeTo: r.string(valueOf(m.get('routeTo')), join(itemAt, 'routeTo')),
      };
    }
    targets(item, `${itemAt} target`, rule.routeTo);
    return rule;
  });
}

function readPriority(r: YamlReader, node: YamlNode, at: string): number {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < 0) {
    throw r.error(node, `${at} must be a whole number >= 0 (lower is checked first)`);
  }
  return node.value;
}

function readPolicy(r: YamlReader, node: YamlNode, at: string, targets: TargetCheck): ImageVersionPolicy {
  const m = r.map(node, at, ['tagPattern', 'deniedTags', 'promotedOnly']);
  const policy: ImageVersionPolicy = {};
  const patternPair = m.get('tagPattern');
  if (patternPair) {
    const pattern = r.string(valueOf(patternPair), join(at, 'tagPattern'));
    try {
      new RegExp(pattern);
    } catch (e) {
      throw r.error(nodeOf(patternPair), `${join(at, 'tagPattern')} is not a valid regular expression: ${(e as Error).message}`);
    }
    policy.tagPattern = pattern;
  }
  if (m.has('deniedTags')) policy.deniedTags = r.stringList(valueOf(m.get('deniedTags')), join(at, 'deniedTags')).map((x) => x.value);
  if (m.has('promotedOnly')) {
    policy.promotedOnly = r.stringList(valueOf(m.get('promotedOnly')), join(at, 'promotedOnly')).map(({ value, node: n }, i) => targets(n, `${join(at, 'promotedOnly')}[${i}]`, value));
  }
  return policy;
}
