'use strict';
// fake-aws.js - one local HTTP server standing in for every AWS endpoint
// runway talks to: the Lambda Runtime API, a CloudFormation presigned S3
// response URL, Secrets Manager, Step Functions, the ECS container
// credentials endpoint, the Parameters and Secrets Lambda Extension, SNS
// Publish and a plain webhook receiver.  Signed requests are verified with the aws4 npm
// package (an implementation independent of runway's) and rejected when the
// signature does not match.
//
//   node fake-aws.js DIR
//
// DIR/scenario.json describes what to serve (see README.md); the server writes
// its port to DIR/port and appends one JSON line per request to DIR/log.jsonl.
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const aws4 = require('aws4');
const fakeSts = require('./fake-sts');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node fake-aws.js DIR');
  process.exit(2);
}
const scenario = JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf8'));
const region = scenario.region || 'us-east-1';
const keys = scenario.credentials || {}; // access key id -> { secret, token }
const events = (scenario.events || []).slice();
const MAX_PAYLOAD = 6 * 1024 * 1024 + 100;
const RUNTIME = '/2018-06-01/runtime';
let base = '';
let current = null; // { id, answered }
let webhookFailures = (scenario.webhook && scenario.webhook.failFirst) || 0;
let cfnFailures = (scenario.cfn && scenario.cfn.failFirst) || 0;
// "clock": {"offsetMs": N} runs the fake's clock N ms ahead (its Date header
// and the signing-time check); "skew": {"failFirst": N} refuses the first N
// correctly signed requests with AWS's clock-skew error.  POST /fake/clock
// {"offsetMs": N, "failFirst": N} changes both while the fake runs.
let clockOffset = (scenario.clock && scenario.clock.offsetMs) || 0;
let skewFailures = (scenario.skew && scenario.skew.failFirst) || 0;
const now = () => Date.now() + clockOffset;

// Every entry carries t, the time it was logged (ms since the epoch), so tests
// can compare answers with an invocation's deadline.
function log(entry) {
  entry.t = Date.now();
  fs.appendFileSync(path.join(dir, 'log.jsonl'), JSON.stringify(entry) + '\n');
}

function send(res, status, body, headers) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, Object.assign({ 'Content-Type': 'application/json',
                                        Date: new Date(now()).toUTCString() }, headers || {}));
  res.end(text);
}

function parseJson(text) {
  try { return JSON.parse(text); } catch (e) { return undefined; }
}

// AWS's words for a signing time too far from its clock.
function skewReason(when, at) {
  const fmt = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return when < at
    ? 'Signature expired: ' + fmt(when) + ' is now earlier than ' + fmt(at - 15 * 60e3) + ' (' + fmt(at) + ' - 15 min.)'
    : 'Signature not yet current: ' + fmt(when) + ' is still later than ' + fmt(at + 15 * 60e3) + ' (' + fmt(at) + ' + 15 min.)';
}

// Verifies a header-signed AWS request by re-signing it with aws4 from the
// headers it claims to have signed; returns null when valid, else a reason.
// A valid one is logged as "signed" with its access key.  required: the headers that must be
// signed (default: a JSON-protocol call's); scopeRegion: the region it must be signed for
// (default: the scenario's; SNS signs for the topic ARN's).
function verifyHeaderSignature(req, body, service, requireToken, required, scopeRegionWanted) {
  const wantRegion = scopeRegionWanted || region;
  const auth = req.headers['authorization'] || '';
  const m = auth.match(/^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/);
  if (!m) return 'malformed Authorization header';
  const [, akid, , scopeRegion, scopeService, signedNames] = m;
  const key = keys[akid];
  if (!key) return 'unknown access key ' + akid;
  if (scopeRegion !== wantRegion) return 'wrong region in scope: ' + scopeRegion;
  if (scopeService !== service) return 'wrong service in scope: ' + scopeService;
  const names = signedNames.split(';');
  const sorted = names.slice().sort();
  if (names.join(';') !== sorted.join(';')) return 'SignedHeaders not sorted';
  for (const need of required || ['host', 'x-amz-date', 'content-type', 'x-amz-target']) {
    if (!names.includes(need)) return 'header not signed: ' + need;
  }
  if (key.token) {
    if (!names.includes('x-amz-security-token')) return 'x-amz-security-token not signed';
    if (req.headers['x-amz-security-token'] !== key.token) return 'wrong session token';
  } else if (requireToken) {
    return 'session token expected';
  }
  const headers = {};
  for (const n of names) {
    if (req.headers[n] === undefined) return 'signed header missing from request: ' + n;
    headers[n] = req.headers[n];
  }
  const amzDate = req.headers['x-amz-date'];
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(now() - when) < 15 * 60 * 1000)) return skewReason(when, now());
  const opts = { method: req.method, host: req.headers.host, path: req.url, service,
                 region: wantRegion, headers, body };
  // aws4 adds Content-Length to what it signs unless told the request did not sign it.
  if (!names.includes('content-length')) opts.extraHeadersToIgnore = { 'content-length': true };
  aws4.sign(opts, { accessKeyId: akid, secretAccessKey: key.secret });
  if (opts.headers.Authorization !== auth) return 'signature does not match';
  if (skewFailures > 0) {
    skewFailures--;
    return skewReason(when, now() + 16 * 60e3);
  }
  log({ kind: 'signed', service, akid, amzDate });
  return null;
}

function presignedResponseUrl(id) {
  const key = Object.keys(keys)[0];
  const opts = { method: 'PUT', host: base.replace('http://', ''), path: '/cfn-response/' + id,
                 service: 's3', region, signQuery: true };
  aws4.sign(opts, { accessKeyId: key, secretAccessKey: keys[key].secret });
  return base + opts.path;
}

// Checks that a PUT arrives on the presigned URL exactly as issued.
function verifyPresigned(req) {
  const u = new URL(req.url, base);
  const sig = u.searchParams.get('X-Amz-Signature');
  const akid = (u.searchParams.get('X-Amz-Credential') || '').split('/')[0];
  if (!sig || !keys[akid]) return 'not a presigned URL';
  u.searchParams.delete('X-Amz-Signature');
  const opts = { method: 'PUT', host: req.headers.host, path: u.pathname + u.search,
                 service: 's3', region, signQuery: true };
  aws4.sign(opts, { accessKeyId: akid, secretAccessKey: keys[akid].secret });
  const again = new URL(opts.path, base).searchParams.get('X-Amz-Signature');
  return again === sig ? null : 'presigned URL signature does not match';
}

function nextInvocation(res) {
  const ev = events.shift();
  if (!ev) {
    send(res, 500, { errorMessage: 'no more events', errorType: 'Fake.NoMoreEvents' });
    return;
  }
  const id = crypto.randomUUID();
  current = { id, answered: false };
  let text = JSON.stringify(ev.event === undefined ? {} : ev.event);
  text = text.split('@@RESPONSE_URL@@').join(presignedResponseUrl(id)).split('@@BASE@@').join(base);
  const deadline = Date.now() + (ev.deadlineInMs || 60000);
  log({ kind: 'next', id, deadline });
  send(res, 200, text, {
    'Lambda-Runtime-Aws-Request-Id': id,
    'Lambda-Runtime-Deadline-Ms': String(deadline),
    'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:' + region + ':123456789012:function:runway',
    'Lambda-Runtime-Trace-Id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
  });
}

function runtimeApi(req, res, body) {
  const p = req.url;
  if (req.method === 'GET' && p === RUNTIME + '/invocation/next') return nextInvocation(res);
  if (req.method === 'POST' && p === RUNTIME + '/init/error') {
    log({ kind: 'init-error', errorType: req.headers['lambda-runtime-function-error-type'] || null,
          body: parseJson(body) });
    return send(res, 202, { status: 'OK' });
  }
  const m = p.match(/^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/);
  if (req.method !== 'POST' || !m) return send(res, 404, { errorMessage: 'no such route', errorType: 'NotFound' });
  if (!current || m[1] !== current.id) {
    return send(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
  }
  if (current.answered) {
    return send(res, 403, { errorMessage: 'Invalid state transition', errorType: 'InvalidStateTransition' });
  }
  if (Buffer.byteLength(body) > MAX_PAYLOAD) {
    return send(res, 413, { errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
                            errorType: 'RequestEntityTooLarge' });
  }
  current.answered = true;
  log({ kind: m[2], id: m[1], errorType: req.headers['lambda-runtime-function-error-type'] || null,
        contentType: req.headers['content-type'] || null, body: parseJson(body), raw: body });
  return send(res, 202, { status: 'OK' });
}

function cfnResponse(req, res, body) {
  const reject = (status, reason) => {
    log({ kind: 'rejected', route: 'cfn-response', reason });
    send(res, status, '<Error><Code>SignatureDoesNotMatch</Code><Message>' + reason + '</Message></Error>',
         { 'Content-Type': 'application/xml' });
  };
  const why = verifyPresigned(req);
  if (why) return reject(403, why);
  if (req.headers['content-type']) return reject(403, 'Content-Type must be empty, got ' + req.headers['content-type']);
  if (Buffer.byteLength(body) > 4096) return reject(400, 'response body over 4096 bytes');
  const doc = parseJson(body);
  if (!doc) return reject(400, 'response body is not JSON');
  for (const f of ['Status', 'PhysicalResourceId', 'StackId', 'RequestId', 'LogicalResourceId']) {
    if (!doc[f]) return reject(400, 'missing ' + f);
  }
  if (!['SUCCESS', 'FAILED'].includes(doc.Status)) return reject(400, 'bad Status');
  if (doc.Status === 'FAILED' && !doc.Reason) return reject(400, 'FAILED without Reason');
  if (cfnFailures > 0) {
    cfnFailures--;
    log({ kind: 'cfn-unavailable' });
    return send(res, 503, '<Error><Code>SlowDown</Code></Error>', { 'Content-Type': 'application/xml' });
  }
  log({ kind: 'cfn-response', body: doc, size: Buffer.byteLength(body) });
  send(res, 200, '');
}

function awsJson(req, res, body) {
  const target = req.headers['x-amz-target'] || '';
  const [prefix, op] = target.split('.');
  const services = {
    secretsmanager: { service: 'secretsmanager', type: 'application/x-amz-json-1.1' },
    AWSStepFunctions: { service: 'states', type: 'application/x-amz-json-1.0' },
  };
  const svc = services[prefix];
  if (!svc) return send(res, 400, { __type: 'UnknownOperationException', message: 'unknown target' });
  const error = (status, type, message) => {
    log({ kind: 'rejected', route: target, reason: type + ': ' + message });
    send(res, status, { __type: type, message }, { 'Content-Type': svc.type });
  };
  if (req.headers['content-type'] !== svc.type) return error(400, 'SerializationException', 'wrong Content-Type');
  const why = verifyHeaderSignature(req, body, svc.service, !!scenario.requireSessionToken);
  if (why) return error(403, 'InvalidSignatureException', why);
  const input = parseJson(body);
  if (!input) return error(400, 'SerializationException', 'body is not JSON');
  if (target === 'secretsmanager.GetSecretValue') {
    const secret = (scenario.secrets || {})[input.SecretId];
    if (!secret) return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    log({ kind: 'secretsmanager', input });
    return send(res, 200, Object.assign({
      ARN: 'arn:aws:secretsmanager:' + region + ':123456789012:secret:' + input.SecretId + '-a1b2c3',
      Name: input.SecretId, VersionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      VersionStages: ['AWSCURRENT'], CreatedDate: 1523477145.713,
    }, secret), { 'Content-Type': svc.type });
  }
  if (op === 'SendTaskHeartbeat') {
    if (!input.taskToken) return error(400, 'InvalidToken', 'missing taskToken');
    log({ kind: 'heartbeat', input });
    return send(res, 200, {}, { 'Content-Type': svc.type });
  }
  if (op === 'SendTaskSuccess' || op === 'SendTaskFailure') {
    if (!input.taskToken) return error(400, 'InvalidToken', 'missing taskToken');
    if (op === 'SendTaskSuccess' && parseJson(input.output) === undefined) {
      return error(400, 'InvalidOutput', 'output is not JSON');
    }
    if (op === 'SendTaskFailure' && ((input.error || '').length > 256 || (input.cause || '').length > 32768)) {
      return error(400, 'ValidationException', 'error or cause too long');
    }
    log({ kind: 'sfn', op, input });
    return send(res, 200, {}, { 'Content-Type': svc.type });
  }
  return error(400, 'UnknownOperationException', 'unsupported ' + target);
}

// SNS speaks the Query protocol: a form-encoded POST answered with XML.
function snsXmlError(res, status, code, message) {
  send(res, status, '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error>' +
       '<Type>Sender</Type><Code>' + code + '</Code><Message>' + message + '</Message></Error>' +
       '<RequestId>' + crypto.randomUUID() + '</RequestId></ErrorResponse>', { 'Content-Type': 'text/xml' });
}

// MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue as {name: {DataType, StringValue}}.
function snsAttributes(form) {
  const attrs = {};
  for (let n = 1; form.has('MessageAttributes.entry.' + n + '.Name'); n++) {
    const p = 'MessageAttributes.entry.' + n;
    attrs[form.get(p + '.Name')] = { DataType: form.get(p + '.Value.DataType'),
                                     StringValue: form.get(p + '.Value.StringValue') };
  }
  return attrs;
}

function sns(req, res, body) {
  const sc = scenario.sns || {};
  const form = new URLSearchParams(body);
  const topic = form.get('TopicArn') || '';
  const reject = (status, code, reason) => {
    log({ kind: 'rejected', route: 'sns', reason: code + ': ' + reason });
    snsXmlError(res, status, code, reason);
  };
  const topicRegion = topic.split(':')[3];
  const why = verifyHeaderSignature(req, body, 'sns', !!scenario.requireSessionToken,
                                    ['host', 'x-amz-date', 'content-type'], topicRegion);
  if (why) return reject(403, 'InvalidClientTokenId', why);
  if (form.get('Action') !== 'Publish') return reject(400, 'InvalidAction', 'unsupported action ' + form.get('Action'));
  if (form.get('Version') !== '2010-03-31') return reject(400, 'InvalidParameter', 'Version must be 2010-03-31');
  if (!(sc.topics || []).includes(topic)) return reject(404, 'NotFound', 'Topic does not exist');
  const message = form.get('Message');
  if (!message) return reject(400, 'InvalidParameter', 'Empty message');
  const attributes = snsAttributes(form);
  let size = Buffer.byteLength(message);
  for (const [name, a] of Object.entries(attributes)) {
    if (!['String', 'Number', 'Binary'].includes(a.DataType) || a.StringValue === null) {
      return reject(400, 'ParameterValueInvalid', 'bad message attribute ' + name);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue);
  }
  if (size > 262144) return reject(400, 'InvalidParameter', 'Message too long');
  const subject = form.get('Subject');
  if (subject !== null && (subject.length > 100 || /[\r\n]/.test(subject))) {
    return reject(400, 'InvalidParameter', 'Subject must be one line under 100 characters');
  }
  if (topic.endsWith('.fifo') && !form.get('MessageGroupId')) {
    return reject(400, 'InvalidParameter', 'The MessageGroupId parameter is required for FIFO topics');
  }
  if (sc.failAll) return reject(500, 'InternalError', 'fake outage');
  const id = crypto.randomUUID();
  log({ kind: 'sns', topic, messageId: id, raw: message, message: parseJson(message), subject,
        attributes, groupId: form.get('MessageGroupId'), dedupId: form.get('MessageDeduplicationId') });
  send(res, 200, '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
       '<MessageId>' + id + '</MessageId></PublishResult><ResponseMetadata><RequestId>' +
       crypto.randomUUID() + '</RequestId></ResponseMetadata></PublishResponse>', { 'Content-Type': 'text/xml' });
}

function containerCredentials(req, res) {
  const cc = scenario.containerCredentials;
  if (!cc) return send(res, 404, { message: 'no container credentials' });
  if (cc.authToken && req.headers['authorization'] !== cc.authToken) {
    log({ kind: 'rejected', route: 'credentials', reason: 'bad Authorization' });
    return send(res, 401, { message: 'bad Authorization' });
  }
  log({ kind: 'credentials' });
  send(res, 200, { AccessKeyId: cc.accessKeyId, SecretAccessKey: keys[cc.accessKeyId].secret,
                   Token: keys[cc.accessKeyId].token, RoleArn: 'arn:aws:iam::123456789012:role/runway',
                   Expiration: new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z') });
}

function secretsExtension(req, res) {
  const u = new URL(req.url, base);
  const ext = scenario.extension || {};
  if (req.headers['x-aws-parameters-secrets-token'] !== ext.token) {
    log({ kind: 'rejected', route: 'extension', reason: 'bad token' });
    return send(res, 401, { message: 'bad token' });
  }
  const id = u.searchParams.get('secretId');
  // extensionSecrets: what the extension still has cached (e.g. from before a rotation).
  const secret = (scenario.extensionSecrets || {})[id] || (scenario.secrets || {})[id];
  if (!secret) return send(res, 400, { __type: 'ResourceNotFoundException', message: 'not found' });
  log({ kind: 'extension', secretId: id, versionStage: u.searchParams.get('versionStage'),
        versionId: u.searchParams.get('versionId') });
  send(res, 200, Object.assign({ Name: id, VersionStages: ['AWSCURRENT'] }, secret));
}

function webhook(req, res, body) {
  log({ kind: 'webhook-attempt' });
  // A silent receiver: the request is read and never answered.
  if ((scenario.webhook && scenario.webhook.hang) || req.url.startsWith('/webhook/hang')) return;
  if (webhookFailures > 0) {
    webhookFailures--;
    return send(res, 503, { message: 'try later' });
  }
  log({ kind: 'webhook', contentType: req.headers['content-type'], body: parseJson(body) });
  send(res, 200, { ok: true });
}

const sts = fakeSts({ dir, scenario, keys, log, send, verifyHeaderSignature, now });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      if (req.url.startsWith(RUNTIME + '/')) return runtimeApi(req, res, body);
      if (req.method === 'PUT' && req.url.startsWith('/cfn-response/')) return cfnResponse(req, res, body);
      if (req.method === 'POST' && req.url === '/' && req.headers['x-amz-target']) return awsJson(req, res, body);
      if (req.url === '/' && sts.isSts(req, body)) return sts.sts(req, res, body);
      if (req.method === 'POST' && req.url === '/fake/clock') {
        const c = parseJson(body) || {};
        clockOffset = c.offsetMs || 0;
        skewFailures = c.failFirst || 0;
        log({ kind: 'clock', offsetMs: clockOffset, failFirst: skewFailures });
        return send(res, 200, { ok: true });
      }
      if (sts.isImds(req)) return sts.imds(req, res);
      if (req.method === 'POST' && req.url === '/' &&
          (req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded')) return sns(req, res, body);
      if (req.method === 'GET' && req.url.startsWith('/creds')) return containerCredentials(req, res);
      if (req.method === 'GET' && req.url.startsWith('/secretsmanager/get?')) return secretsExtension(req, res);
      if (req.method === 'POST' && req.url.startsWith('/webhook')) return webhook(req, res, body);
      if (req.method === 'GET' && req.url.startsWith('/presign/')) {
        return send(res, 200, presignedResponseUrl(req.url.slice(9)), { 'Content-Type': 'text/plain' });
      }
      send(res, 404, { message: 'no route for ' + req.method + ' ' + req.url });
    } catch (err) {
      log({ kind: 'fake-crash', error: String(err && err.stack) });
      send(res, 500, { message: 'fake failed' });
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  base = 'http://127.0.0.1:' + server.address().port;
  fs.writeFileSync(path.join(dir, 'port.tmp'), String(server.address().port));
  fs.renameSync(path.join(dir, 'port.tmp'), path.join(dir, 'port'));
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections(); // a silent webhook keeps its connection open
});
