'use strict';
// fake-sts.js - STS and the EC2 instance metadata service (IMDSv2), for
// fake-aws.js.  Every set of credentials they hand out is new (its own
// access key, secret and session token), is added to the keys the fake
// accepts, and is logged as an "issued" entry (its secret and token go to
// DIR/issued-secrets), so a test can tell which source signed a later
// request and check that no secret was printed.
//
// scenario.json:
//   "sts": {"webIdentityToken": "the token AssumeRoleWithWebIdentity accepts",
//           "roles": {"arn:aws:iam::123456789012:role/x": {"ttlSeconds": 3600, "externalId": "opt"}}}
//   "imds": {"role": "instance-role", "ttlSeconds": 3600}
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

module.exports = function fakeSts(ctx) {
  // ctx: { dir, scenario, keys, log, send, verifyHeaderSignature, now }
  const { scenario, keys, log, send } = ctx;
  let issuedCount = 0;
  const imdsTokens = new Set();

  function issue(prefix, ttlSeconds) {
    issuedCount++;
    const akid = 'ASIA' + prefix + String(issuedCount).padStart(8, '0');
    const secret = crypto.randomBytes(30).toString('base64');
    const token = 'IQoJb3JpZ2luX2Vj' + crypto.randomBytes(48).toString('base64');
    keys[akid] = { secret, token };
    const expiration = new Date(ctx.now() + (ttlSeconds || 3600) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    log({ kind: 'issued', akid, expiration });
    // The secrets go to a file of their own, for the test's secret scan.
    fs.appendFileSync(path.join(ctx.dir, 'issued-secrets'), secret + '\n' + token + '\n');
    return { akid, secret, token, expiration };
  }

  function xml(res, status, text) {
    send(res, status, '<?xml version="1.0" encoding="UTF-8"?>\n' + text, { 'Content-Type': 'text/xml' });
  }

  function stsError(res, status, code, message) {
    log({ kind: 'rejected', route: 'sts', reason: code + ': ' + message });
    xml(res, status, '<ErrorResponse xmlns="' + XMLNS + '"><Error><Type>Sender</Type><Code>' + code +
        '</Code><Message>' + message.replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</Message></Error>' +
        '<RequestId>' + crypto.randomUUID() + '</RequestId></ErrorResponse>');
  }

  function stsCredentials(res, action, c, roleArn, session) {
    const result = action + 'Result';
    xml(res, 200, '<' + action + 'Response xmlns="' + XMLNS + '"><' + result + '>' +
        (action === 'AssumeRoleWithWebIdentity'
          ? '<SubjectFromWebIdentityToken>system:serviceaccount:app:runway</SubjectFromWebIdentityToken>' +
            '<Audience>sts.amazonaws.com</Audience><Provider>oidc.example.com</Provider>'
          : '') +
        '<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:' + session + '</AssumedRoleId>' +
        '<Arn>' + roleArn.replace(':iam:', ':sts:').replace(':role/', ':assumed-role/') + '/' + session + '</Arn></AssumedRoleUser>' +
        '<Credentials><SessionToken>' + c.token + '</SessionToken><SecretAccessKey>' + c.secret +
        '</SecretAccessKey><Expiration>' + c.expiration + '</Expiration><AccessKeyId>' + c.akid +
        '</AccessKeyId></Credentials><PackedPolicySize>6</PackedPolicySize></' + result + '>' +
        '<ResponseMetadata><RequestId>' + crypto.randomUUID() + '</RequestId></ResponseMetadata></' +
        action + 'Response>');
  }

  // True for a Query-protocol STS call (POST / with a form body naming an AssumeRole* action).
  function isSts(req, body) {
    if (req.method !== 'POST' || req.headers['x-amz-target']) return false;
    const action = new URLSearchParams(body).get('Action');
    return action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity';
  }

  function sts(req, res, body) {
    const cfg = scenario.sts || {};
    const params = new URLSearchParams(body);
    const action = params.get('Action');
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] || '')) {
      return stsError(res, 400, 'InvalidParameterValue', 'wrong Content-Type');
    }
    if (params.get('Version') !== '2011-06-15') return stsError(res, 400, 'InvalidParameterValue', 'wrong Version');
    const roleArn = params.get('RoleArn');
    const session = params.get('RoleSessionName') || '';
    const role = (cfg.roles || {})[roleArn];
    let signer = null;
    if (action === 'AssumeRoleWithWebIdentity') {
      // An unsigned call: the token is the proof.
      if (req.headers['authorization']) return stsError(res, 400, 'InvalidParameterValue', 'AssumeRoleWithWebIdentity must not be signed');
      if (!cfg.webIdentityToken || params.get('WebIdentityToken') !== cfg.webIdentityToken) {
        return stsError(res, 400, 'InvalidIdentityToken', 'Couldn\'t retrieve verification key from your identity provider');
      }
    } else {
      const why = ctx.verifyHeaderSignature(req, body, 'sts', false, ['host', 'x-amz-date', 'content-type']);
      if (why) {
        return stsError(res, 403, 'SignatureDoesNotMatch', why.startsWith('Signature') ? why
          : 'The request signature we calculated does not match the signature you provided. (' + why + ')');
      }
      signer = (req.headers['authorization'].match(/Credential=([^/]+)/) || [])[1];
      if (role && role.externalId && params.get('ExternalId') !== role.externalId) {
        return stsError(res, 403, 'AccessDenied', 'wrong ExternalId');
      }
    }
    if (!ROLE_SESSION_NAME.test(session)) return stsError(res, 400, 'ValidationError', 'bad RoleSessionName');
    if (!role) return stsError(res, 403, 'AccessDenied', 'Not authorized to perform sts:' + action);
    const c = issue('STS', role.ttlSeconds);
    log({ kind: 'sts', action, roleArn, session, signer, issued: c.akid,
          externalId: params.get('ExternalId'), durationSeconds: params.get('DurationSeconds') });
    stsCredentials(res, action, c, roleArn, session);
  }

  function isImds(req) {
    return req.url.startsWith('/latest/');
  }

  // IMDSv2: a session token first (PUT with a TTL header), then the token on every GET; v1 is refused.
  function imds(req, res) {
    const cfg = scenario.imds;
    const text = (status, body) => send(res, status, body, { 'Content-Type': 'text/plain' });
    if (!cfg) return text(404, 'Not Found');
    if (req.url === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (req.method !== 'PUT') return text(405, 'Method Not Allowed');
      if (!(ttl >= 1 && ttl <= 21600)) return text(400, 'Bad Request');
      const token = crypto.randomBytes(32).toString('base64');
      imdsTokens.add(token);
      log({ kind: 'imds-token', ttl });
      return send(res, 200, token, { 'Content-Type': 'text/plain', 'X-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (!imdsTokens.has(req.headers['x-aws-ec2-metadata-token'])) {
      log({ kind: 'rejected', route: 'imds', reason: 'no valid IMDSv2 token' });
      return text(401, 'Unauthorized');
    }
    const prefix = '/latest/meta-data/iam/security-credentials/';
    if (req.method !== 'GET' || !req.url.startsWith(prefix)) return text(404, 'Not Found');
    const name = req.url.slice(prefix.length);
    if (name === '') return text(200, cfg.role);
    if (name !== cfg.role) return text(404, 'Not Found');
    const c = issue('IMDS', cfg.ttlSeconds);
    log({ kind: 'imds', issued: c.akid });
    send(res, 200, JSON.stringify({ Code: 'Success', LastUpdated: new Date(ctx.now()).toISOString(),
      Type: 'AWS-HMAC', AccessKeyId: c.akid, SecretAccessKey: c.secret, Token: c.token,
      Expiration: c.expiration }, null, 2), { 'Content-Type': 'text/plain' });
  }

  return { isSts, sts, isImds, imds };
};
