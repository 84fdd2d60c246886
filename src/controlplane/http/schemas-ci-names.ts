// JSON schemas of the Facets operations on resources and CI names (resources-info, createArtifactCI, attach/detach
// of rules and workflow), in schemas.ts style: Facets field names, additions marked x-facetsctl-extension.
import { arrayOf, named, nonEmpty, object, REGISTRATION_TYPE, str } from './schemas';

const uniqueStrings = { ...arrayOf(str), uniqueItems: true };

export const BlueprintFile = named(
  'BlueprintFile',
  object({ resourceName: str, resourceType: str, stackName: str, ciNames: uniqueStrings, content: { ...str, description: "the resource's JSON, with includeContent=true" } }),
);
export const CiNameUsageDto = named('CiNameUsageDto', object({ stackName: str, resourceType: str, resourceName: str, environments: arrayOf(str) }));
/** createArtifactCI's body is an ArtifactCI; serve reads these fields of it (others, e.g. integrationType, are accepted). */
export const ArtifactCIRequest = named('ArtifactCIRequest', object({ ciName: nonEmpty, registrationType: REGISTRATION_TYPE, stackName: nonEmpty }, ['ciName', 'registrationType']));
export const AttachDetachCiRequest = named(
  'AttachDetachCiRequest',
  object({ blueprintName: nonEmpty, ciName: nonEmpty, registrationType: REGISTRATION_TYPE }, ['blueprintName', 'ciName', 'registrationType']),
);
