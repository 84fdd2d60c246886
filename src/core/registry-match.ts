// Which project registry holds an image: the one whose URI is the longest prefix of the image's host/repository.

/** A registry URI as an image name begins with it: no scheme, no trailing slash, lowercase (hosts ignore case). */
export function registryPrefix(uri: string): string {
  return uri.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

/** The image's host/repository is the registry URI itself or lies below it (at a "/", so host:5000 does not hold host:50001/x). */
export function isUnderRegistry(imageName: string, registryUri: string): boolean {
  const name = imageName.toLowerCase();
  const prefix = registryPrefix(registryUri);
  return name === prefix || name.startsWith(`${prefix}/`);
}

/** The registries whose URI is the longest prefix of the image's host/repository, in their given order (several when URIs are equal). */
export function registriesHolding<R extends { uri: string }>(registries: readonly R[], imageName: string): R[] {
  const holding = registries.filter((r) => isUnderRegistry(imageName, r.uri));
  const longest = Math.max(0, ...holding.map((r) => registryPrefix(r.uri).length));
  return holding.filter((r) => registryPrefix(r.uri).length === longest);
}

/** The first registry holding the image (see registriesHolding), or null when none does. */
export function registryHolding<R extends { uri: string }>(registries: readonly R[], imageName: string): R | null {
  return registriesHolding(registries, imageName)[0] ?? null;
}
