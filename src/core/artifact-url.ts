// Freestyle artifacts (any artifact URL, e.g. a zip in object storage): accepted as given once they parse as a URL.
import { usage } from './errors';
import type { ArtifactType } from './model';

/** Schemes a cluster can fetch an artifact from; file:, data:, ftp: and the like are refused. */
export const FREESTYLE_SCHEMES: readonly string[] = ['https', 'http', 's3', 'gs', 'az', 'oci'];

const EXAMPLE = 'e.g. https://artifacts.example.com/checkout/1.4.2.zip or s3://bucket/checkout-1.4.2.zip';

/** The URL exactly as given, after checking it is an absolute URL with a host and an allowed scheme. */
export function checkFreestyleUrl(input: string): string {
  // Every message shows the URL with any user:password masked, whichever check refuses it.
  const shown = input.replace(/\/\/[^@/]*@/, '//***@');
  if (input.trim() === '' || /\s/.test(input)) throw usage(`freestyle artifact URL "${shown}" must be non-empty and contain no whitespace`, EXAMPLE);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw usage(`freestyle artifact URL "${shown}" is not a URL: it needs a scheme and a host`, EXAMPLE);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!FREESTYLE_SCHEMES.includes(scheme)) {
    throw usage(`freestyle artifact URL "${shown}" has scheme "${scheme}", which a cluster cannot fetch from (use ${FREESTYLE_SCHEMES.join(', ')})`, EXAMPLE);
  }
  if (url.hostname === '') throw usage(`freestyle artifact URL "${shown}" has no host`, EXAMPLE);
  if (url.username || url.password) throw usage(`freestyle artifact URL "${shown}" carries credentials`, 'give the URL without user:password; the cluster reads it with its own credentials');
  return input;
}

/** A registration that does not say its artifact type: a URL (`scheme://`, never in an image reference) is freestyle, anything else an image. */
export function artifactTypeOf(uri: string): 'freestyle' | 'docker_image' {
  // Any scheme, not only the fetchable ones: checkFreestyleUrl then names the scheme a cluster cannot fetch from.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? 'freestyle' : 'docker_image';
}
