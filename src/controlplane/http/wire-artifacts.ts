// Wire shapes of artifacts (Artifact, CiArtifactResponse, register answers) and overrides (OverrideObject).
import type { Artifact, ArtifactType, Criterion, Override, RegistrationType } from '../../core/model';
import { defined } from './wire-defined';
import { fromCriterion, toCriterion, type CriterionWire } from './wire-ci';

/** Facets Artifact / CiArtifactResponse fields, plus the facetsctl extensions. */
export interface ArtifactWire {
  id: string;
  artifactId: string;
  ciName: string;
  artifactUri: string;
  artifactType: ArtifactType;
  digest?: string;
  tag?: string;
  artifactory?: string;
  registrationType: RegistrationType;
  registrationValue?: string;
  externalId?: string;
  buildDescription?: string;
  metadata: Record<string, string>;
  appliedRule?: CriterionWire;
  promoted: boolean;
  promotedFrom?: string;
  createdOn: string;
  creationDate: string;
  createdBy: string;
  /** Only on serve's own paths (/cc-ui/v1/facetsctl/...): every tag the artifact was registered under. */
  tags?: string[];
}

/** The body serve returns for a register or promote (Facets returns none for register). */
export interface RegisterResponseWire extends ArtifactWire {
  created: boolean;
  routedTo?: string;
  rule?: CriterionWire;
}

/** ImageOverrideRequest (attach-image, detachImage). */
export interface ImageOverrideRequestWire {
  resourceName: string;
  resourceType?: string;
  blueprintName?: string;
  artifactType?: ArtifactType;
  artifactUri?: string;
  artifactory?: string;
  repositoryName?: string;
  tag?: string;
  changeLog?: string;
}

export interface OverrideWire {
  resourceName: string;
  resourceType: string;
  stackName: string;
  clusterName: string;
  overrides: {
    spec: { release: { image: string } };
    metadata: { labels: Override['labels'] };
  };
  revision: number;
  changeLog?: string;
  lastModifiedBy: string;
  lastModifiedDate: string;
}

export function toArtifactWire(a: Artifact): ArtifactWire {
  return defined({
    id: a.id,
    artifactId: a.id,
    ciName: a.ciName,
    artifactUri: a.artifactUri,
    artifactType: a.artifactType,
    digest: a.digest ?? undefined,
    tag: a.tag ?? undefined,
    artifactory: a.registry ?? undefined,
    registrationType: a.registrationType,
    registrationValue: a.registrationValue ?? undefined,
    externalId: a.externalId ?? undefined,
    buildDescription: a.description ?? undefined,
    metadata: a.metadata,
    appliedRule: a.appliedRule ? toCriterion(a.appliedRule) : undefined,
    promoted: a.promoted,
    promotedFrom: a.promotedFrom ?? undefined,
    createdOn: a.createdAt,
    creationDate: a.createdAt,
    createdBy: a.createdBy,
  });
}

/** The artifact with every tag it was registered under: for serve's own paths, where the Facets shape may grow. */
export function toTaggedArtifactWire(a: Artifact): ArtifactWire {
  return { ...toArtifactWire(a), tags: a.tags };
}

/** A Facets path says one tag: without `tags`, that tag is all that is known. */
export function fromArtifactWire(w: Partial<ArtifactWire> & { artifactName?: string }, ciName?: string): Artifact {
  return {
    id: String(w.id ?? w.artifactId ?? ''),
    ciName: w.ciName ?? ciName ?? w.artifactName ?? '',
    artifactUri: w.artifactUri ?? '',
    digest: w.digest ?? null,
    tag: w.tag ?? null,
    tags: w.tags ?? (w.tag ? [w.tag] : []),
    artifactType: w.artifactType ?? 'docker_image',
    registry: w.artifactory ?? null,
    registrationType: w.registrationType === 'RELEASE_STREAM' ? 'RELEASE_STREAM' : 'ENVIRONMENT',
    registrationValue: w.registrationValue ?? null,
    externalId: w.externalId ?? null,
    description: w.buildDescription ?? null,
    metadata: w.metadata ?? {},
    appliedRule: w.appliedRule ? fromCriterion(w.appliedRule, 0) : null,
    promoted: Boolean(w.promoted),
    promotedFrom: w.promotedFrom ?? null,
    createdAt: w.createdOn ?? w.creationDate ?? '',
    createdBy: w.createdBy ?? '',
  };
}

export function toRegisterResponse(r: { artifact: Artifact; created: boolean; routedTo: string | null; rule: Criterion | null }): RegisterResponseWire {
  return defined({ ...toArtifactWire(r.artifact), created: r.created, routedTo: r.routedTo ?? undefined, rule: r.rule ? toCriterion(r.rule) : undefined });
}

export function fromRegisterResponse(w: RegisterResponseWire): { artifact: Artifact; ciName: string; created: boolean; routedTo: string | null; rule: Criterion | null } {
  const artifact = fromArtifactWire(w);
  return { artifact, ciName: artifact.ciName, created: Boolean(w.created), routedTo: w.routedTo ?? null, rule: w.rule ? fromCriterion(w.rule, 0) : null };
}

export function toOverrideWire(o: Override): OverrideWire {
  return defined({
    resourceName: o.resourceName,
    resourceType: o.resourceType,
    stackName: o.project,
    clusterName: o.environment,
    overrides: { spec: { release: { image: o.image } }, metadata: { labels: o.labels } },
    revision: o.revision,
    changeLog: o.changeLog ?? undefined,
    lastModifiedBy: o.updatedBy,
    lastModifiedDate: o.updatedAt,
  });
}

/** Facets' answer when there is no override: the resource with empty overrides. */
export interface NoOverrideWire {
  resourceName: string;
  resourceType: string;
  overrides: Record<string, never>;
}

export function fromOverrideWire(w: OverrideWire): Override;
export function fromOverrideWire(w: OverrideWire | NoOverrideWire): Override | null;
export function fromOverrideWire(wire: OverrideWire | NoOverrideWire): Override | null {
  if (!('spec' in wire.overrides)) return null;
  const w = wire as OverrideWire;
  return {
    project: w.stackName,
    resourceType: w.resourceType,
    resourceName: w.resourceName,
    environment: w.clusterName,
    image: w.overrides.spec.release.image,
    labels: w.overrides.metadata.labels,
    revision: w.revision,
    changeLog: w.changeLog ?? null,
    updatedAt: w.lastModifiedDate,
    updatedBy: w.lastModifiedBy,
  };
}
