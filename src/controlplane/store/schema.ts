// Table shapes as kysely sees them. Booleans are 0/1 integers, JSON is text, times are ISO-8601 text.
import type { Generated } from 'kysely';

export interface Database {
  projects: { name: string; synced_at: string; initial_ci_applied_at: string | null };
  release_streams: { project: string; name: string; prod: number; description: string | null };
  environments: { project: string; name: string; id: string; release_stream: string };
  resources: { project: string; resource_type: string; resource_name: string };
  registries: { project: string; name: string; id: string; type: string; uri: string; internal: number; insecure: number };
  ci_integrations: {
    id: string;
    project: string;
    resource_type: string;
    resource_name: string;
    ci_name: string;
    strategy: string;
    created_at: string;
    created_by: string;
  };
  ci_configs: {
    id: Generated<number>;
    project: string;
    /** null = project level */
    service: string | null;
    /** service ?? '': a NULL-free key for the unique index */
    scope: string;
    registration_type: string;
    ci_strategy: string;
    policy: string;
    updated_at: string;
    updated_by: string;
    /** 1 when made, one more at each change: a write names the revision it read (optimistic concurrency) */
    revision: number;
  };
  routing_rules: {
    id: Generated<number>;
    config_id: number;
    position: number;
    metadata_key: string;
    operator: string;
    value: string;
    priority: number;
    route_to: string;
  };
  promotion_workflows: { id: Generated<number>; config_id: number; hierarchy: string };
  artifacts: {
    seq: Generated<number>;
    id: string;
    ci_name: string;
    artifact_uri: string;
    digest: string | null;
    tag: string | null;
    artifact_type: string;
    registry: string | null;
    registration_type: string;
    registration_value: string | null;
    /** digest ?? artifact_uri */
    identity_key: string;
    /** registration_value ?? '' (unrouted) */
    registration_key: string;
    external_id: string | null;
    description: string | null;
    metadata: string;
    applied_rule: string | null;
    promoted: number;
    promoted_from: string | null;
    created_at: string;
    created_by: string;
  };
  /** Every tag an artifact was registered under; seq keeps the order they came in. */
  artifact_tags: {
    seq: Generated<number>;
    artifact_id: string;
    tag: string;
    /** the pinned URI that registration named */
    artifact_uri: string;
    created_at: string;
  };
  overrides: {
    project: string;
    resource_type: string;
    resource_name: string;
    environment: string;
    /** 0 after a detach; the row stays so revisions keep counting */
    active: number;
    image: string;
    labels: string;
    revision: number;
    change_log: string | null;
    updated_at: string;
    updated_by: string;
  };
  events: {
    seq: Generated<number>;
    id: string;
    project: string;
    resource_name: string | null;
    environment: string | null;
    kind: string;
    revision: number | null;
    summary: string;
    details: string;
    at: string;
    by: string;
  };
  /** Things done once per database, whoever tries first (the primary key decides). */
  claims: { name: string; claimed_at: string };
  api_tokens: { id: string; username: string; name: string; token_hash: string; created_at: string };
}
