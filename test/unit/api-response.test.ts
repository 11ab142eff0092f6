import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFetchAnswer, type FetchAnswer } from '../../main/core/api-response';
import { readExample, type ExampleName } from '../fixtures/fake-modelslab';

const answer = (httpStatus: number, body: unknown, retryAfterHeader: string | null = null): FetchAnswer =>
  parseFetchAnswer({ httpStatus, retryAfterHeader, bodyText: typeof body === 'string' ? body : JSON.stringify(body) });
const example = (name: ExampleName, httpStatus = 200) => answer(httpStatus, readExample(name));
/** A success answer's kind and links alone, for tests about where the links come from. */
const linksOf = (parsed: FetchAnswer) => (parsed.kind === 'success' ? { kind: parsed.kind, outputUrls: parsed.outputUrls } : parsed);

test('success takes the image links from output', () => {
  assert.deepEqual(linksOf(example('fetch-success')), {
    kind: 'success',
    outputUrls: ['https://pub-8b49af329fae499aa563997f5d4068a4.r2.dev/generations/e5cd86d3-7305-47fc-82c1-7d1a3b130fa4-0.png'],
  });
  const full = example('fetch-success-full');
  assert.equal(full.kind, 'success');
  assert.deepEqual(full.kind === 'success' && full.outputUrls, [
    'https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/temp/8c3ef6ea-1c44-4d69-91cb-fc11971a65d1-0.png',
  ]);
});

test('success with an empty output falls back to proxy_links given as an object', () => {
  assert.deepEqual(linksOf(example('fetch-success-proxy-object')), {
    kind: 'success',
    outputUrls: ['https://cdn.modelslab.com/generations/example-0.png'],
  });
});

test('success with neither output nor proxy links uses future_links, and none at all gives no links', () => {
  assert.deepEqual(linksOf(answer(200, { status: 'success', output: '', future_links: ['https://x.test/a.png'] })), {
    kind: 'success',
    outputUrls: ['https://x.test/a.png'],
  });
  assert.deepEqual(linksOf(answer(200, { status: 'success', output: [] })), { kind: 'success', outputUrls: [] });
});

test('success with output as one string takes that link (the copied example)', () => {
  assert.deepEqual(linksOf(example('fetch-success-string-output')), {
    kind: 'success',
    outputUrls: ['https://pub-8b49af329fae499aa563997f5d4068a4.r2.dev/generations/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-0.png'],
  });
  assert.deepEqual(linksOf(answer(200, { status: 'success', output: '  https://x.test/one.png ' })), { kind: 'success', outputUrls: ['https://x.test/one.png'] });
});

test('success without output takes output_url, as one string or a list, before proxy_links', () => {
  assert.deepEqual(linksOf(answer(200, { status: 'success', output_url: 'https://x.test/a.png', proxy_links: ['https://y.test/a.png'] })), {
    kind: 'success',
    outputUrls: ['https://x.test/a.png'],
  });
  assert.deepEqual(linksOf(answer(200, { status: 'success', output: [], output_url: ['https://x.test/a.png', 'https://x.test/b.png'] })), {
    kind: 'success',
    outputUrls: ['https://x.test/a.png', 'https://x.test/b.png'],
  });
});

test('proxy_links and future_links at the same position are kept as second links to each image', () => {
  const full = example('fetch-success-full');
  assert.deepEqual(full.kind === 'success' && full.alternateUrls, [['https://cdn2.stablediffusionapi.com/temp/8c3ef6ea-1c44-4d69-91cb-fc11971a65d1-0.png']]);
  const parsed = answer(200, {
    status: 'success',
    output: ['https://r2.test/0.png', 'https://r2.test/1.png'],
    proxy_links: { 0: 'https://cdn.test/0.png', 1: 'https://r2.test/1.png' },
    future_links: ['https://future.test/0.png', 'https://future.test/1.png'],
  });
  assert.deepEqual(parsed.kind === 'success' && parsed.alternateUrls, [
    ['https://cdn.test/0.png', 'https://future.test/0.png'],
    // The same link as the output's is not a second source.
    ['https://future.test/1.png'],
  ]);
  // Links taken from proxy_links have future_links as their second source.
  const fromProxy = answer(200, { status: 'success', output: [], proxy_links: ['https://cdn.test/0.png'], future_links: ['https://future.test/0.png'] });
  assert.deepEqual(fromProxy.kind === 'success' && fromProxy.alternateUrls, [['https://future.test/0.png']]);
  const single = example('fetch-success');
  assert.deepEqual(single.kind === 'success' && single.alternateUrls, [[]], 'one list per image, empty when there is no second link');
});

test('nsfw_content_detected flags a success when true or a list of flags, not when false, absent or a list of false', () => {
  const flagged = (value: unknown) => {
    const parsed = answer(200, { status: 'success', output: ['https://x.test/a.png'], nsfw_content_detected: value });
    return parsed.kind === 'success' && parsed.nsfwDetected;
  };
  assert.equal(flagged(true), true);
  assert.equal(flagged([true]), true);
  assert.equal(flagged(['https://x.test/a.png']), true);
  assert.equal(flagged(false), false);
  assert.equal(flagged(undefined), false);
  assert.equal(flagged([]), false);
  assert.equal(flagged([false]), false);
  const full = example('fetch-success-full');
  assert.equal(full.kind === 'success' && full.nsfwDetected, false, 'the documented example says false');
});

test('processing keeps the eta, integer or float, and none in the lean shape', () => {
  assert.deepEqual(example('fetch-processing-eta'), { kind: 'processing', etaSeconds: 5 });
  assert.deepEqual(example('fetch-processing-legacy'), { kind: 'processing', etaSeconds: 1.25 });
  assert.deepEqual(example('fetch-processing-lean'), { kind: 'processing', etaSeconds: null });
});

test('failed and error carry the message from whichever field holds it', () => {
  assert.deepEqual(example('fetch-failed'), { kind: 'failed', message: 'Failed, Try Again', httpStatus: 200 });
  assert.deepEqual(example('fetch-error'), { kind: 'failed', message: 'Error message', httpStatus: 200 });
  assert.deepEqual(example('error-validation-object', 400), {
    kind: 'failed',
    message: 'prompt: The prompt field is required.',
    httpStatus: 400,
  });
});

test('an invalid key is recognised with HTTP 200 and with 401', () => {
  assert.deepEqual(example('error-invalid-key'), { kind: 'key-rejected', message: 'Invalid Api Key' });
  assert.deepEqual(example('error-invalid-key', 401), { kind: 'key-rejected', message: 'Invalid Api Key' });
  assert.equal(answer(401, '<html>Unauthorized</html>').kind, 'key-rejected');
});

test('rate limiting takes retry_after from the body, else the Retry-After header', () => {
  assert.deepEqual(example('error-rate-limit', 429), {
    kind: 'rate-limited',
    message: 'Rate limit exceeded. Maximum 5 queued requests allowed.',
    retryAfterSeconds: 30,
  });
  const fromHeader = answer(429, { status: 'error', message: 'Too many requests' }, '7');
  assert.deepEqual(fromHeader, { kind: 'rate-limited', message: 'Too many requests', retryAfterSeconds: 7 });
  const htmlBody = answer(429, '<html>slow down</html>', null);
  assert.deepEqual(htmlBody, { kind: 'rate-limited', message: 'ModelsLab is rate limiting requests', retryAfterSeconds: null });
});

test('a rate limit\'s wait is read from the body, Retry-After in seconds or as a date, or X-RateLimit-Reset', () => {
  const receivedAt = Date.UTC(2025, 0, 1, 12, 0, 0);
  const wait = (body: unknown, headers: { retryAfter?: string; reset?: string }) => {
    const parsed = parseFetchAnswer({
      httpStatus: 429,
      retryAfterHeader: headers.retryAfter ?? null,
      rateLimitResetHeader: headers.reset ?? null,
      receivedAt,
      bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return parsed.kind === 'rate-limited' ? parsed.retryAfterSeconds : parsed.kind;
  };
  const limited = { status: 'error', message: 'Too many requests' };
  assert.equal(wait({ ...limited, retry_after: 12 }, { retryAfter: '99', reset: String(receivedAt / 1000 + 99) }), 12, 'the body first');
  assert.equal(wait(limited, { retryAfter: '20' }), 20);
  assert.equal(wait(limited, { retryAfter: 'Wed, 01 Jan 2025 12:00:45 GMT' }), 45, 'an HTTP date');
  assert.equal(wait('<html>429</html>', { retryAfter: 'Wed, 01 Jan 2025 12:01:00 GMT' }), 60, 'also without a JSON body');
  assert.equal(wait(limited, { retryAfter: 'Wed, 01 Jan 2025 11:00:00 GMT' }), 0, 'a date already past holds for nothing');
  assert.equal(wait(limited, { reset: String(receivedAt / 1000 + 90) }), 90, 'X-RateLimit-Reset in epoch seconds');
  assert.equal(wait(limited, { retryAfter: 'soon', reset: String(receivedAt / 1000 + 30) }), 30, 'an unreadable Retry-After gives way to the reset');
  assert.equal(wait(limited, {}), null);
});

test('gateway pages, empty and invalid bodies are unexpected and keep a short excerpt', () => {
  const html = answer(502, `<html><body>${'Bad gateway '.repeat(100)}</body></html>`);
  assert.equal(html.kind, 'unexpected');
  assert.ok(html.kind === 'unexpected' && html.rawExcerpt.length <= 301);
  assert.match(html.kind === 'unexpected' ? html.message : '', /server error \(HTTP 502\)/);
  assert.equal(answer(200, '').kind, 'unexpected');
  assert.equal(answer(200, '{"status": "succ').kind, 'unexpected');
  assert.equal(answer(200, { id: 5 }).kind, 'unexpected');
  assert.equal(answer(200, { status: 'weird' }).kind, 'unexpected');
  assert.equal(answer(500, { status: 'error', message: 'Internal' }).kind, 'unexpected');
});

test('4xx answers without JSON are final for the job', () => {
  for (const status of [400, 404]) {
    const parsed = answer(status, '<html>nope</html>');
    assert.equal(parsed.kind, 'failed', String(status));
  }
});

test('402 and 403 are about the account, not the job: with ModelsLab\'s message when there is one (the copied 402 example)', () => {
  assert.deepEqual(example('error-no-credits-402', 402), {
    kind: 'account-refused',
    httpStatus: 402,
    message: 'Insufficient credits. Please recharge your wallet to continue.',
  });
  assert.deepEqual(answer(403, { status: 'error', message: 'Your plan does not include this API.' }), {
    kind: 'account-refused',
    httpStatus: 403,
    message: 'Your plan does not include this API.',
  });
  assert.deepEqual(answer(402, ''), { kind: 'account-refused', httpStatus: 402, message: null });
  assert.deepEqual(answer(403, '<html>Forbidden</html>'), { kind: 'account-refused', httpStatus: 403, message: null });
  // A 403 that says the key is invalid is a rejected key, which asks for another key.
  assert.equal(answer(403, { status: 'error', message: 'Invalid Api Key' }).kind, 'key-rejected');
});

// Property-based: whatever ModelsLab or a gateway sends, the parser answers with one of its kinds.
const kinds = ['success', 'processing', 'failed', 'key-rejected', 'account-refused', 'rate-limited', 'unexpected'];
const httpStatus = fc.constantFrom(200, 201, 400, 401, 402, 403, 404, 429, 500, 502, 503, 504);

test('property: any body with any status parses to a known kind, with a bounded excerpt', () => {
  fc.assert(
    fc.property(httpStatus, fc.oneof(fc.string({ unit: 'binary', maxLength: 2_000 }), fc.json()), fc.option(fc.string({ maxLength: 10 })), (status, bodyText, retryAfter) => {
      const parsed = parseFetchAnswer({ httpStatus: status, retryAfterHeader: retryAfter, bodyText });
      assert.ok(kinds.includes(parsed.kind), parsed.kind);
      if (parsed.kind === 'unexpected') assert.ok(parsed.rawExcerpt.length <= 301);
      // Only a refused account may carry no message: the queue words that one itself.
      if ('message' in parsed) assert.ok(parsed.kind === 'account-refused' ? parsed.message === null || parsed.message.length > 0 : parsed.message.length > 0);
      if (parsed.kind === 'rate-limited' && parsed.retryAfterSeconds !== null) assert.ok(parsed.retryAfterSeconds >= 0);
    }),
  );
});

test('property: a success answer gives back exactly the links it holds, from whichever field holds them', () => {
  const link = fc.webUrl({ validSchemes: ['https'] });
  fc.assert(
    fc.property(fc.array(link, { minLength: 1, maxLength: 5 }), fc.constantFrom('output', 'proxy-array', 'proxy-object', 'future'), fc.constantFrom(200, 201), (links, field, status) => {
      const body: Record<string, unknown> = { status: 'success', id: 5, output: field === 'output' ? links : [] };
      if (field === 'proxy-array') body.proxy_links = links;
      if (field === 'proxy-object') body.proxy_links = Object.fromEntries(links.map((url, index) => [String(index), url]));
      if (field === 'future') body.future_links = links;
      assert.deepEqual(linksOf(answer(status, body)), { kind: 'success', outputUrls: links.map((url) => url.trim()) });
    }),
  );
});

test('property: an error message in any field and shape becomes readable text', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('message', 'messege'),
      fc.oneof(fc.string({ minLength: 1, maxLength: 80 }).filter((text) => text.trim() !== '' && !/invalid|key|rate|limit|too many/i.test(text)), fc.dictionary(fc.constantFrom('prompt', 'key', 'width'), fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 2 }), { minKeys: 1 })),
      (field, message) => {
        const parsed = answer(200, { status: 'error', [field]: message });
        assert.equal(parsed.kind === 'failed' || parsed.kind === 'key-rejected' || parsed.kind === 'rate-limited', true);
        assert.ok('message' in parsed && (parsed.message ?? '').trim().length > 0);
        if (typeof message === 'string' && parsed.kind === 'failed') assert.equal(parsed.message, message.trim());
      },
    ),
  );
});
