// Source names as skopeo writes them (docker-archive:FILE[:REF], oci-archive:FILE[:REF], oci:DIR[:REF]), told apart
// without loading the readers: the CLI asks on every push.
import { existsSync } from 'node:fs';
import { usage } from '../../core/errors';
import { isValidTag } from '../../core/image-reference';

const TRANSPORTS = ['docker-archive', 'oci-archive', 'oci'] as const;

export type Transport = (typeof TRANSPORTS)[number];

export function transportOf(spec: string): Transport | undefined {
  return TRANSPORTS.find((t) => spec.startsWith(`${t}:`));
}

/** True for `docker-archive:…`, `oci-archive:…` and `oci:…`: a source that needs no engine. */
export function isSourceSpec(spec: string): boolean {
  return transportOf(spec) !== undefined;
}

/** The tag a source names after its path (`oci:DIR:1.0`, `docker-archive:FILE:repo:1.0`), if it names one. */
export function sourceSpecTag(spec: string): string | undefined {
  const transport = transportOf(spec);
  const ref = transport && spec.length > transport.length + 1 ? splitReference(spec.slice(transport.length + 1)).ref : undefined;
  const tag = ref?.slice(ref.lastIndexOf(':') + 1);
  return tag && !ref!.startsWith('@') && isValidTag(tag) ? tag : undefined;
}

/** `path[:ref]`: the longest prefix that exists is the path (paths may hold ":"), the rest the reference. */
export function splitReference(rest: string): { file: string; ref?: string } {
  if (!rest) throw usage('an image source needs a path', 'e.g. docker-archive:./app.tar or oci:./layout:1.0');
  if (existsSync(rest)) return { file: rest };
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    if (existsSync(rest.slice(0, i))) return { file: rest.slice(0, i), ref: rest.slice(i + 1) || undefined };
  }
  return { file: rest };
}
