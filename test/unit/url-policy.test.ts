import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRendererUrl, isSecureOrLocalUrl, rendererEntryUrl } from '../../main/core/url-policy';

test("the window's own pages are recognised by scheme and host, nothing else is", () => {
  // URL.origin is "null" for custom schemes in Node, so an origin comparison would refuse everything.
  assert.equal(new URL(rendererEntryUrl).origin, 'null');
  assert.ok(isRendererUrl(rendererEntryUrl));
  assert.ok(isRendererUrl('app://headshot-fetcher/assets/index.js'));
  for (const other of ['app://evil/index.html', 'https://headshot-fetcher/index.html', 'file:///index.html', 'not a url', '']) {
    assert.ok(!isRendererUrl(other), other);
  }
});

test('https anywhere, plain http only to this machine', () => {
  for (const ok of ['https://modelslab.com/x', 'http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x']) {
    assert.ok(isSecureOrLocalUrl(new URL(ok)), ok);
  }
  for (const refused of ['http://modelslab.com/x', 'http://127.0.0.1.nip.io/x', 'ftp://127.0.0.1/x', 'file:///etc/passwd']) {
    assert.ok(!isSecureOrLocalUrl(new URL(refused)), refused);
  }
});
