// Redaction rules, one case per row; and that each rule stays linear on a megabyte of adversarial text.
import { redact, redactValue } from '../../src/cli/redact';

const MB = 1 << 20;

describe('redact hides secret JSON values, Basic/Bearer credentials, URL userinfo and the listed secrets', () => {
  test.each([
    ['JSON token', '{"token": "fct_abc123"}', '{"token": "***"}'],
    ['JSON password, any case, no spaces', '{"Password":"p@ss"}', '{"Password":"***"}'],
    ['JSON identityToken and secret', '{"identityToken":"x","secret" : "y"}', '{"identityToken":"***","secret" : "***"}'],
    ['JSON authorization', '"authorization": "Basic dXNlcjpwYXNz"', '"authorization": "***"'],
    ['other JSON keys stay', '{"username":"admin","tag":"1.0"}', '{"username":"admin","tag":"1.0"}'],
    ['Basic header', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic ***'],
    ['Bearer header', 'authorization: Bearer eyJhbGciOi.J9.x-y_z', 'authorization: Bearer ***'],
    ['URL userinfo', 'GET http://admin:s3cret@127.0.0.1:8080/api/me', 'GET http://***@127.0.0.1:8080/api/me'],
    ['URL userinfo with a colon in the password', 'https://u:pa:ss@h/x', 'https://***@h/x'],
    ['two URLs, each redacted', 'a://u:p@h b://v:q@k', 'a://***@h b://***@k'],
    ['a URL without userinfo stays', 'http://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/'],
    ['a user without a password stays', 'ssh://git@github.com/x', 'ssh://git@github.com/x'],
    ['no scheme, no redaction', 'user:pass@host', 'user:pass@host'],
    ['a listed secret anywhere', 'token fct_0123456789 in text fct_0123456789', 'token *** in text ***'],
    ['secrets shorter than 4 characters are not listed', 'abc stays', 'abc stays'],
  ])('%s', (_name, input, expected) => {
    expect(redact(input, ['fct_0123456789', 'abc'])).toBe(expected);
  });

  test('structured details: every string redacted, the value under a secret key hidden, other values kept', () => {
    expect(redactValue({ reference: 'http://u:p@h/x', nested: [{ password: 'p' }, 'Bearer abc'], count: 3, token: 42, none: null }, [])).toEqual({
      reference: 'http://***@h/x',
      nested: [{ password: '***' }, 'Bearer ***'],
      count: 3,
      token: '***',
      none: null,
    });
  });
});

// No timing here: jest's test timeout is the bound (the quadratic pattern took minutes on these inputs).
describe('redaction is linear: a megabyte of text that made the old patterns backtrack is redacted at once', () => {
  test.each([
    ['one long word (every letter could start a scheme)', 'a'.repeat(MB)],
    ['a scheme then colons without an @', 'a://' + 'x:'.repeat(MB / 2)],
    ['many schemes', 'a://x:'.repeat(MB / 6)],
    ['a userinfo that never ends', 'a://x:' + 'y'.repeat(MB)],
    ['a secret key with endless spaces', '"token": ' + ' '.repeat(MB)],
    ['Basic and endless spaces', 'Basic ' + ' '.repeat(MB) + '!'],
    ['an unterminated secret value', '"token":"' + 'a'.repeat(MB)],
  ])('%s', (_name, input) => {
    expect(redact(input, ['secret-value']).length).toBeLessThanOrEqual(input.length);
  });

  test('a megabyte of URLs with credentials: every one redacted', () => {
    const text = 'http://u:p@h '.repeat(MB / 13);
    expect(redact(text)).toBe('http://***@h '.repeat(MB / 13));
  });
});
