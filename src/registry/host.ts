// Registry host names: which are loopback (where plain HTTP and unverified TLS are allowed) and where the API lives.

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io']);

/** `127.0.0.1:5000` -> `127.0.0.1`; `[::1]:5000` -> `::1`. */
export function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

export function isLoopbackHost(host: string): boolean {
  const name = hostName(host).toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Docker Hub's image host (docker.io) differs from its API host. */
export function apiHost(host: string): string {
  return DOCKER_HUB_HOSTS.has(host.toLowerCase()) ? 'registry-1.docker.io' : host;
}
