// JSON schemas of serve's bodies: fastify validates requests with them and the OpenAPI document is
// built from them. Field names follow facets-api/openapi.yaml; additions carry x-facetsctl-extension.
export type Schema = { [key: string]: unknown };

const NAME = Symbol('schemaName');

/** A schema that the OpenAPI document lists under components/schemas. */
export function named<T extends Schema>(name: string, schema: T): T {
  Object.defineProperty(schema, NAME, { value: name, enumerable: false });
  return schema;
}

export function schemaName(schema: Schema): string | undefined {
  return (schema as { [NAME]?: string })[NAME];
}

/** Marks a property (or a whole body) as an addition to the Facets API. */
export const ext = <T extends Schema>(schema: T): T => ({ ...schema, 'x-facetsctl-extension': true });

export const str: Schema = { type: 'string' };
export const nonEmpty: Schema = { type: 'string', minLength: 1 };
export const bool: Schema = { type: 'boolean' };
export const int: Schema = { type: 'integer', format: 'int32' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
export const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
export const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
export const object = (properties: Record<string, Schema>, required: string[] = []): Schema =>
  required.length ? { type: 'object', required, properties } : { type: 'object', properties };

export const REGISTRATION_TYPE = { type: 'string', enum: ['ENVIRONMENT', 'RELEASE_STREAM', 'HYBRID'] };
export const CI_SYSTEM = { type: 'string', enum: ['BRANCH_PER_ENVIRONMENT', 'SINGLE_BRANCH_PROMOTION', 'ADVANCED'] };
export const ARTIFACT_TYPE = { type: 'string', enum: ['docker_image', 'freestyle'] };
export const OPERATOR = { type: 'string', enum: ['EQUALS', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS'] };
export const IMAGE_STRATEGY = { type: 'string', enum: ['PROJECT_CI', 'SERVICE_CI', 'MANUAL'] };
export const MODE = { type: 'string', enum: ['NONE', 'INHERITED', 'CUSTOM'] };
export const ARTIFACTORY_TYPE = {
  type: 'string',
  enum: ['ECR', 'AZURE_CONTAINER_REGISTRY', 'GOOGLE_ARTIFACT_REGISTRY', 'GOOGLE_CONTAINER_REGISTRY', 'NEXUS', 'DOCKER_HUB', 'JFROG', 'HARBOR', 'OTHERS'],
};
export const HISTORY_KIND = { type: 'string', enum: ['REGISTERED', 'PROMOTED', 'ATTACHED', 'DETACHED', 'CONFIG_CHANGED', 'CONFIG_RESET', 'STRATEGY_CHANGED'] };

export const ErrorDetails = named('ErrorDetails', object({ code: str, message: str, hint: ext(str) }, ['code', 'message']));

export const Criterion = named(
  'Criterion',
  object({ metadataKey: nonEmpty, operator: OPERATOR, priority: int, routeTo: nonEmpty, value: str }, ['metadataKey', 'operator', 'routeTo', 'value']),
);
export const WorkflowHierarchy = named('WorkflowHierarchy', object({ registrationValue: nonEmpty, sequence: int }, ['registrationValue']));
export const ImageVersionPolicy = named(
  'ImageVersionPolicy',
  ext({ type: 'object', additionalProperties: false, properties: { tagPattern: str, deniedTags: arrayOf(str), promotedOnly: arrayOf(str) } }),
);

const ciCdRequestProperties = {
  stackName: nonEmpty,
  registrationType: REGISTRATION_TYPE,
  ciSystem: CI_SYSTEM,
  routingRules: arrayOf(Criterion),
  promotionHierarchies: arrayOf(WorkflowHierarchy),
  imageVersionPolicy: ext(ImageVersionPolicy),
};
// A configure is partial (unspecified fields keep their value), so only stackName stays required.
export const CiCdDtoRequest = named('CiCdDto', object(ciCdRequestProperties, ['stackName']));
export const CiCustomCiCdRequest = named('CiCustomCiCdRequest', object(ciCdRequestProperties));

const ciCdResponseProperties = {
  stackName: str,
  registrationType: REGISTRATION_TYPE,
  ciSystem: CI_SYSTEM,
  routingRules: arrayOf(Criterion),
  promotionHierarchies: arrayOf(WorkflowHierarchy),
  imageVersionPolicy: ext(ImageVersionPolicy),
  resourceName: ext(str),
  imageStrategy: ext(IMAGE_STRATEGY),
  revision: ext(int),
};
export const CiCdDtoResponse = named('CiCdDtoResponse', object({ ...ciCdResponseProperties, mode: ext(MODE), ciName: ext(str) }));
export const CiCustomCiCdResponse = named('CiCustomCiCdResponse', object({ ...ciCdResponseProperties, mode: MODE, ciName: str }));
export const ResetResult = named(
  'ResetResult',
  ext(object({ deletedRoutingRules: int, deletedPromotionWorkflow: bool, previous: CiCdDtoResponse }, ['deletedRoutingRules', 'deletedPromotionWorkflow'])),
);

const registerExtensions = {
  description: str,
  artifactType: ext(ARTIFACT_TYPE),
  buildDescription: ext(str),
  requireRoute: ext(bool),
};
export const ArtifactByEnvironmentRequest = named(
  'ArtifactByEnvironmentRequest',
  object(
    { applicationName: nonEmpty, artifactUri: nonEmpty, artifactory: str, clusterName: nonEmpty, externalId: str, stackName: nonEmpty, metadata: ext(stringMap), ...registerExtensions },
    ['applicationName', 'artifactUri', 'clusterName', 'stackName'],
  ),
);
export const ArtifactByReleaseStreamRequest = named(
  'ArtifactByReleaseStreamRequest',
  object(
    { applicationName: nonEmpty, artifactUri: nonEmpty, artifactory: str, externalId: str, releaseStream: nonEmpty, stackName: nonEmpty, metadata: ext(stringMap), ...registerExtensions },
    ['applicationName', 'artifactUri', 'releaseStream'],
  ),
);
export const ArtifactRequest = named(
  'ArtifactRequest',
  object(
    {
      applicationName: nonEmpty,
      artifactUri: nonEmpty,
      artifactory: str,
      clusterId: nonEmpty,
      externalId: str,
      metadata: stringMap,
      releaseStream: nonEmpty,
      stackName: nonEmpty,
      ...registerExtensions,
    },
    ['applicationName', 'artifactUri'],
  ),
);

const artifactProperties = {
  artifactUri: str,
  artifactory: str,
  buildDescription: str,
  createdBy: str,
  createdOn: dateTime,
  metadata: stringMap,
  promoted: bool,
  registrationType: REGISTRATION_TYPE,
  registrationValue: str,
  tag: str,
  ciName: ext(str),
  artifactType: ext(ARTIFACT_TYPE),
  digest: ext(str),
  promotedFrom: ext(str),
  appliedRule: ext(Criterion),
};
export const Artifact = named('Artifact', object({ ...artifactProperties, id: str, artifactId: ext(str), creationDate: dateTime, externalId: ext(str) }));
export const CiArtifactResponse = named(
  'CiArtifactResponse',
  object({ ...artifactProperties, artifactId: str, id: ext(str), creationDate: ext(dateTime), externalId: str }),
);
/** serve's own artifact listings add every tag the artifact was registered under (the Facets shapes keep `tag`). */
export const TaggedArtifact = named('TaggedArtifact', ext({ allOf: [CiArtifactResponse, object({ tags: ext(arrayOf(str)) }, ['tags'])] }));
export const RegisterResponse = named(
  'RegisterResponse',
  { allOf: [Artifact, object({ created: ext(bool), routedTo: ext(str), rule: ext(Criterion) }, ['created'])] },
);

export const SimpleOauth2User = named('SimpleOauth2User', object({ userId: str, name: str }));
export const FacetsResource = named('FacetsResource', object({ resourceName: str, resourceType: str }));
export const Stack = named('Stack', object({ name: str, artifactories: arrayOf(str), providedResources: arrayOf(FacetsResource) }));
export const AbstractCluster = named('AbstractCluster', object({ id: str, name: str, releaseStream: str, stackName: str, tz: str }, ['name', 'releaseStream', 'stackName', 'tz']));
export const ReleaseStreamResponse = named(
  'ReleaseStreamResponse',
  object({ name: str, prod: bool, builtIn: bool, mappedClusterNames: arrayOf(str), description: ext(str) }),
);
export const Artifactory = named(
  'Artifactory',
  object({ id: str, name: str, artifactoryType: ARTIFACTORY_TYPE, uri: str, systemDefined: bool, stacksAssociated: arrayOf(str), insecure: ext(bool) }, ['name']),
);
export const ArtifactCI = named(
  'ArtifactCI',
  object({
    id: str,
    ciName: str,
    stackName: str,
    creationDate: dateTime,
    resourceType: ext(str),
    resourceName: ext(str),
    imageStrategy: ext(IMAGE_STRATEGY),
    artifactTemplate: ext(str),
  }),
);
export const PushCredentialsRequest = named(
  'PushCredentialsRequest',
  object({ applicationName: nonEmpty, artifactory: nonEmpty, blueprintName: nonEmpty }, ['applicationName', 'artifactory', 'blueprintName']),
);
export const PushCredentialsResponse = named(
  'PushCredentialsResponse',
  object({ artifactoryUri: str, repositoryUri: str, username: str, password: str, artifactory: ext(str) }),
);
export const ImageOverrideRequest = named(
  'ImageOverrideRequest',
  object(
    {
      resourceName: nonEmpty,
      resourceType: str,
      blueprintName: nonEmpty,
      artifactType: ARTIFACT_TYPE,
      artifactUri: nonEmpty,
      artifactory: str,
      repositoryName: str,
      tag: str,
      changeLog: ext(str),
    },
    ['resourceName'],
  ),
);
export const OverrideObject = named(
  'OverrideObject',
  object({
    resourceName: str,
    resourceType: str,
    overrides: { type: 'object', additionalProperties: { type: 'object' } },
    changeLog: str,
    lastModifiedBy: str,
    lastModifiedDate: dateTime,
    stackName: ext(str),
    clusterName: ext(str),
    revision: ext(int),
  }),
);
export const ImageStrategyRequest = named('ImageStrategyRequest', ext(object({ imageStrategy: IMAGE_STRATEGY }, ['imageStrategy'])));
export const HistoryEvent = named(
  'HistoryEvent',
  ext(
    object({
      id: str,
      kind: HISTORY_KIND,
      project: str,
      resourceName: str,
      environment: str,
      revision: int,
      summary: str,
      details: { type: 'object' },
      at: dateTime,
      by: str,
    }),
  ),
);
export const HistoryPage = named('HistoryPage', ext(object({ items: arrayOf(HistoryEvent), total: int, limit: int, offset: int })));
export const Resolution = named(
  'Resolution',
  ext(
    object({
      environment: str,
      resolved: bool,
      image: str,
      source: { type: 'string', enum: ['OVERRIDE', 'ARTIFACT_BY_ENVIRONMENT', 'ARTIFACT_BY_RELEASE_STREAM'] },
      artifactId: str,
      revision: int,
      reason: str,
    }),
  ),
);

/** A copy without the OpenAPI-only keys, for fastify's validator (ajv strict mode refuses them). */
export function forValidation(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forValidation);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) if (!key.startsWith('x-') && key !== 'format') out[key] = forValidation(value);
  return out;
}
