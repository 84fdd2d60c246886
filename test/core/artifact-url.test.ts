import { artifactTypeOf } from '../../src/core/artifact-url';

describe('a registration that does not say its artifact type: a URL is freestyle (its scheme is checked as such), anything else a docker image', () => {
  test.each([
    ['https://artifacts.example.com/checkout/1.4.2.zip', 'freestyle'],
    ['HTTP://artifacts.example.com/a.zip', 'freestyle'],
    ['s3://bucket/checkout-1.4.2.zip', 'freestyle'],
    ['gs://bucket/a.tgz', 'freestyle'],
    ['az://container/a.zip', 'freestyle'],
    ['oci://registry.example.com/charts/a', 'freestyle'],
    ['127.0.0.1:5000/shop/checkout:1.4.2', 'docker_image'],
    [`registry.example.com/shop/checkout:1.4.2@sha256:${'a'.repeat(64)}`, 'docker_image'],
    ['nginx', 'docker_image'],
    ['localhost:5000/a', 'docker_image'],
    ['file:///etc/passwd', 'freestyle'],
    ['ftp://example.com/a.zip', 'freestyle'],
    ['shop/checkout:1.0@sha256:' + 'b'.repeat(64), 'docker_image'],
  ])('%s is %s', (uri, type) => {
    expect(artifactTypeOf(uri)).toBe(type);
  });
});
