import { isUnderRegistry, registriesHolding, registryHolding, registryPrefix } from '../../src/core/registry-match';

const reg = (name: string, uri: string) => ({ name, uri });
const REGISTRIES = [
  reg('local', '127.0.0.1:5000'),
  reg('team', '127.0.0.1:5000/shop'),
  reg('gcr', 'gcr.io/acme'),
  reg('gcr-again', 'gcr.io/acme'),
  reg('hub', 'docker.io'),
];

describe('a registry URI is compared as an image name begins: no scheme, no trailing slash, any case', () => {
  test.each([
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://registry.example.com/', 'registry.example.com'],
    ['HTTP://Registry.Example.com/Team//', 'registry.example.com/team'],
    ['gcr.io/acme', 'gcr.io/acme'],
  ])('%s -> %s', (uri, prefix) => {
    expect(registryPrefix(uri)).toBe(prefix);
  });
});

describe("an image is under a registry when its host/repository is the registry's URI or lies below it at a '/'", () => {
  test.each<[string, string, boolean]>([
    ['127.0.0.1:5000/shop/checkout', '127.0.0.1:5000', true],
    ['127.0.0.1:5000', '127.0.0.1:5000', true],
    ['127.0.0.1:50001/shop/checkout', '127.0.0.1:5000', false],
    ['gcr.io/acme-other/app', 'gcr.io/acme', false],
    ['gcr.io/acme/app', 'https://GCR.io/acme/', true],
    ['GCR.IO/acme/app', 'gcr.io/acme', true],
    ['docker.io/library/nginx', 'quay.io', false],
  ])('%s under %s: %s', (image, uri, under) => {
    expect(isUnderRegistry(image, uri)).toBe(under);
  });
});

describe("the registry holding an image is the one whose URI is the longest prefix of the image's host/repository", () => {
  test.each<[string, string, string[]]>([
    ['the only registry on the host', '127.0.0.1:5000/other/app', ['local']],
    ['a longer URI wins over its host', '127.0.0.1:5000/shop/checkout', ['team']],
    ['the URI itself', '127.0.0.1:5000/shop', ['team']],
    ['equal URIs: all of them, in their given order', 'gcr.io/acme/cart', ['gcr', 'gcr-again']],
    ['another host', 'quay.io/acme/cart', []],
    ['a host that only starts like a registry', '127.0.0.1:50001/shop/checkout', []],
  ])('%s', (_name, image, holding) => {
    expect(registriesHolding(REGISTRIES, image).map((r) => r.name)).toEqual(holding);
    expect(registryHolding(REGISTRIES, image)?.name ?? null).toBe(holding[0] ?? null);
  });

  test('the order the registries are given in does not change which URI is longest', () => {
    expect(registryHolding([...REGISTRIES].reverse(), '127.0.0.1:5000/shop/checkout')?.name).toBe('team');
    expect(registriesHolding([], 'gcr.io/acme/cart')).toEqual([]);
  });
});
