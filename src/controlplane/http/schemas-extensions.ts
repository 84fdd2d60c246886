// JSON schemas of serve's own one-step paths (/cc-ui/v1/facetsctl/...): strict bodies, a misspelt key is a 400.
import { ARTIFACT_TYPE, arrayOf, bool, ext, int, named, nonEmpty, object, RegisterResponse, str, stringMap, type Schema } from './schemas';

const strict = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ ...object(properties, required), additionalProperties: false });

export const Capabilities = named('Capabilities', ext(object({ name: str, version: str, extensions: int }, ['name', 'version', 'extensions'])));
export const RegistrationTargetRequest = named(
  'RegistrationTarget',
  ext(strict({ kind: { type: 'string', enum: ['environment', 'releaseStream', 'metadata'] }, value: nonEmpty }, ['kind'])),
);
export const ServiceRegisterRequest = named(
  'ServiceRegisterRequest',
  ext(
    strict(
      {
        artifactUri: nonEmpty,
        artifactType: ARTIFACT_TYPE,
        artifactory: nonEmpty,
        target: RegistrationTargetRequest,
        metadata: stringMap,
        externalId: str,
        description: str,
        requireRoute: bool,
      },
      ['artifactUri', 'target'],
    ),
  ),
);
export const ServicePromoteRequest = named('ServicePromoteRequest', ext(strict({ artifactId: nonEmpty, from: nonEmpty, to: nonEmpty })));
export const TaggedRegisterResponse = named('TaggedRegisterResponse', ext({ allOf: [RegisterResponse, object({ tags: arrayOf(str) }, ['tags'])] }));
export const OverrideRequest = named(
  'OverrideRequest',
  ext(strict({ artifactUri: nonEmpty, artifactType: ARTIFACT_TYPE, artifactory: nonEmpty, repositoryName: nonEmpty, tag: nonEmpty, changeLog: str }, ['artifactUri', 'artifactType'])),
);
