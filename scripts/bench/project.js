'use strict';
// The bench's own project: a blueprint in a temp dir whose registry is the bench's registry.
const fs = require('node:fs');
const path = require('node:path');

const PROJECT = 'bench';
const SERVICE = 'api';
const ENVIRONMENT = 'dev';
const REGISTRY = 'open';
/** A second service, for figures that need the project's bulk elsewhere than the service measured. */
const BULK_SERVICE = 'worker';

/**
 * withCi: the same CI/CD as CI_CONFIG in the blueprint's `ci:` (the embedded control plane applies it on first use).
 * withBulk: BULK_SERVICE as well.
 */
function writeBlueprint(dir, registryHost, { withCi = false, withBulk = false } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'facets.yaml');
  fs.writeFileSync(
    file,
    [
      `project: ${PROJECT}`,
      'releaseStreams:',
      '  - {name: QA, prod: false}',
      '  - {name: PRODUCTION, prod: true}',
      'environments:',
      `  - {name: ${ENVIRONMENT}, releaseStream: QA}`,
      '  - {name: staging, releaseStream: QA}',
      '  - {name: production, releaseStream: PRODUCTION}',
      'services:',
      `  - {name: ${SERVICE}}`,
      ...(withBulk ? [`  - {name: ${BULK_SERVICE}}`] : []),
      'registries:',
      `  - {name: ${REGISTRY}, type: OTHERS, uri: "${registryHost}", insecure: true}`,
      ...(withCi ? ['ci:', '  registrationType: ENVIRONMENT', '  branchRules:', `    main: ${ENVIRONMENT}`, `  promotion: [${ENVIRONMENT}, staging, production]`] : []),
      '',
    ].join('\n'),
  );
  return file;
}

/** The project-level CI/CD that serve gets before the load: ENVIRONMENT registration, main -> dev, dev -> staging -> production. */
const CI_CONFIG = {
  stackName: PROJECT,
  registrationType: 'ENVIRONMENT',
  ciSystem: 'BRANCH_PER_ENVIRONMENT',
  routingRules: [{ metadataKey: 'BRANCH_NAME', operator: 'EQUALS', value: 'main', routeTo: ENVIRONMENT, priority: 1 }],
  promotionHierarchies: [
    { registrationValue: ENVIRONMENT, sequence: 1 },
    { registrationValue: 'staging', sequence: 2 },
    { registrationValue: 'production', sequence: 3 },
  ],
};

module.exports = { PROJECT, SERVICE, BULK_SERVICE, ENVIRONMENT, REGISTRY, CI_CONFIG, writeBlueprint };
