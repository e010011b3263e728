// Prints SRP vectors from amazon-cognito-identity-js (the version pinned in
// package.json, 6.3.21) for the Go tests of internal/srp and
// internal/cognitotest, so that neither our client nor the double's server
// is checked only against our own code. CI needs no Node: the printed values
// are pinned in the Go tests.
//
//   cd dev/srpvectors && npm ci && node vectors.js          # print
//   cd dev/srpvectors && npm ci && node vectors.js --write  # refresh the pins
//
// --write stores the output as the testdata the Go tests read:
// internal/srp/testdata/jsvectors.json and
// internal/cognitotest/testdata/srp_jsvectors.json.
//
// It drives the library's own CognitoUser.authenticateUser (USER_SRP_AUTH)
// with a fake transport, a fixed small a and a fixed clock, and records the
// intermediate values of its AuthenticationHelper.
'use strict';

const crypto = require('crypto');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const libVersion = require('amazon-cognito-identity-js/package.json').version;

// Deterministic bytes: SHA-256 of label-0, label-1, ... concatenated.
function fixedBytes(label, n) {
  const parts = [];
  for (let i = 0; parts.length * 32 < n; i++) {
    parts.push(crypto.createHash('sha256').update(`${label}-${i}`).digest());
  }
  return Buffer.concat(parts).subarray(0, n);
}

// A fixed clock for DateHelper.getNowString (it calls new Date()).
const RealDate = Date;
function freezeClock(iso) {
  const fixed = new RealDate(iso).getTime();
  global.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(fixed);
      else super(...args);
    }
    static now() { return fixed; }
  };
}

// Fixed small a: the 128 bytes the library would draw, read as an unsigned
// integer exactly as generateRandomSmallA does.
let smallAHex;
AuthenticationHelper.prototype.generateRandomSmallA = function () {
  return new BigInteger(smallAHex, 16);
};

// Record what the helper derives.
let rec = {};
const origCalculateS = AuthenticationHelper.prototype.calculateS;
AuthenticationHelper.prototype.calculateS = function (xValue, serverBValue, callback) {
  rec.k = this.k.toString(16);
  rec.x = xValue.toString(16);
  rec.u = this.UValue.toString(16);
  return origCalculateS.call(this, xValue, serverBValue, (err, s) => {
    rec.S = s ? s.toString(16) : null;
    callback(err, s);
  });
};
const origHkdf = AuthenticationHelper.prototype.computehkdf;
AuthenticationHelper.prototype.computehkdf = function (ikm, salt) {
  const key = origHkdf.call(this, ikm, salt);
  rec.hkdf = Buffer.from(key).toString('hex');
  return key;
};

// signIn runs the library's USER_SRP_AUTH against a fake Cognito that
// answers InitiateAuth with the given challenge parameters and records the
// PASSWORD_VERIFIER answer.
function signIn(c) {
  rec = {};
  smallAHex = c.smallA;
  freezeClock(c.now);
  const pool = new CognitoUserPool({ UserPoolId: c.userPoolId, ClientId: 'vectorsclient' });
  const user = new CognitoUser({ Username: c.username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.client.request = (op, params, cb) => {
      if (op === 'InitiateAuth') {
        rec.srpA = params.AuthParameters.SRP_A;
        const challenge = c.challenge(rec.srpA);
        cb(null, {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: 'session',
          ChallengeParameters: {
            USER_ID_FOR_SRP: c.userIdForSrp,
            USERNAME: c.userIdForSrp,
            SALT: challenge.salt,
            SRP_B: challenge.srpB,
            SECRET_BLOCK: c.secretBlock,
          },
        });
        return;
      }
      if (op === 'RespondToAuthChallenge') {
        rec.responses = params.ChallengeResponses;
        cb({ code: 'Stop', message: 'vectors recorded' });
        return;
      }
      reject(new Error(`unexpected ${op}`));
    };
    user.authenticateUser(
      new AuthenticationDetails({ Username: c.username, Password: c.password }),
      {
        onSuccess: () => reject(new Error('unexpected success')),
        onFailure: (err) => (err.code === 'Stop' ? resolve({ ...rec, poolName: pool.getUserPoolName() }) : reject(err)),
      },
    );
  }).finally(() => { global.Date = RealDate; });
}

// The server side of Cognito's SRP written here with the library's own
// BigInteger and helper hashing, from a fixed b: v = g^x, B = k v + g^b,
// S = (A v^u)^b. The Go double must produce the same B from the same b and
// verify the library's signature.
function fixedServer(c, saltHex, bHex) {
  const h = new AuthenticationHelper(c.userPoolId.split('_')[1]);
  const salt = new BigInteger(saltHex, 16);
  const x = new BigInteger(h.hexHash(h.padHex(salt) + h.hash(`${h.poolName}${c.userIdForSrp}:${c.password}`)), 16);
  const b = new BigInteger(bHex, 16);
  const out = {};
  return new Promise((resolve) => {
    h.g.modPow(x, h.N, (e1, v) => {
      h.g.modPow(b, h.N, (e2, gb) => {
        const B = h.k.multiply(v).add(gb).mod(h.N);
        out.v = v.toString(16);
        out.srpB = B.toString(16);
        out.serverS = (A) => new Promise((res) => {
          const u = h.calculateU(A, B);
          v.modPow(u, h.N, (e3, vu) => {
            A.multiply(vu).mod(h.N).modPow(b, h.N, (e4, S) => res(S.toString(16)));
          });
        });
        resolve(out);
      });
    });
  });
}

function signature(hkdfHex, poolName, userIdForSrp, secretBlock, timestamp) {
  return crypto.createHmac('sha256', Buffer.from(hkdfHex, 'hex'))
    .update(Buffer.concat([
      Buffer.from(poolName, 'utf8'),
      Buffer.from(userIdForSrp, 'utf8'),
      Buffer.from(secretBlock, 'base64'),
      Buffer.from(timestamp, 'utf8'),
    ])).digest('base64');
}

async function main() {
  const out = { library: `amazon-cognito-identity-js@${libVersion}`, node: process.version };

  // 1. Client: a fixed B (any value below N) and salt.
  const client = {
    userPoolId: 'eu-west-1_AbCdEf123',
    username: 'build-bot',
    userIdForSrp: '0f6e5d4c-3b2a-4190-8e7f-6a5b4c3d2e1f',
    password: 'Correct-Horse-9!',
    smallA: fixedBytes('srpvectors small a', 128).toString('hex'),
    secretBlock: fixedBytes('srpvectors secret block', 96).toString('base64'),
    // 2026-12-06 is a Sunday: a one-digit day and a one-digit hour.
    now: '2026-12-06T07:05:09Z',
  };
  const fixedB = fixedBytes('srpvectors B', 384);
  fixedB[0] &= 0x7f; // below N, whose top bytes are all ff
  client.challenge = () => ({ salt: fixedBytes('srpvectors salt', 16).toString('hex'), srpB: fixedB.toString('hex') });
  const r1 = await signIn(client);
  const ch1 = client.challenge();
  out.client = {
    userPoolId: client.userPoolId, poolName: r1.poolName, userIdForSrp: client.userIdForSrp,
    password: client.password, smallA: client.smallA, salt: ch1.salt, srpB: ch1.srpB,
    secretBlock: client.secretBlock, now: client.now,
    srpA: r1.srpA, k: r1.k, u: r1.u, x: r1.x, S: r1.S, hkdf: r1.hkdf,
    timestamp: r1.responses.TIMESTAMP,
    signature: r1.responses.PASSWORD_CLAIM_SIGNATURE,
    responseUsername: r1.responses.USERNAME,
  };

  // 2. Server: B and salt from a fixed b; the library signs; the script's
  // server S must equal the library's client S. The salt has a leading zero
  // nibble and odd length once the zero is dropped, to pin padHex.
  const server = {
    userPoolId: 'us-east-1_Zx9Qw8',
    username: 'ops@example.com',
    userIdForSrp: '7d3c2b1a-0f9e-4d8c-b7a6-958473625140',
    password: 'pässwörd Ω 2026',
    smallA: fixedBytes('srpvectors server-case small a', 128).toString('hex'),
    secretBlock: fixedBytes('srpvectors server-case secret block', 200).toString('base64'),
    now: '2026-01-19T23:59:58Z',
  };
  const salt2 = '0' + fixedBytes('srpvectors server salt', 16).toString('hex').slice(1);
  const b2 = fixedBytes('srpvectors server small b', 128).toString('hex');
  const srv = await fixedServer(server, salt2, b2);
  server.challenge = () => ({ salt: salt2, srpB: srv.srpB });
  const r2 = await signIn(server);
  const serverS = await srv.serverS(new BigInteger(r2.srpA, 16));
  if (serverS !== r2.S) throw new Error('server S differs from client S');
  const resigned = signature(r2.hkdf, r2.poolName, server.userIdForSrp, server.secretBlock, r2.responses.TIMESTAMP);
  if (resigned !== r2.responses.PASSWORD_CLAIM_SIGNATURE) throw new Error('signature recomputation differs');
  out.server = {
    userPoolId: server.userPoolId, poolName: r2.poolName, userIdForSrp: server.userIdForSrp,
    password: server.password, salt: salt2, smallB: b2, verifier: srv.v, srpB: srv.srpB,
    smallA: server.smallA, srpA: r2.srpA, u: r2.u, S: r2.S, hkdf: r2.hkdf,
    secretBlock: server.secretBlock, now: server.now,
    timestamp: r2.responses.TIMESTAMP,
    signature: r2.responses.PASSWORD_CLAIM_SIGNATURE,
  };

  // 3. SECRET_HASH (the library has no client-secret support; Node's HMAC
  // is the independent check of the developer guide's formula).
  const sh = { clientSecret: 'vectors-client-secret-0123456789abcdef', username: 'build-bot', clientId: '1example23456789' };
  sh.secretHash = crypto.createHmac('sha256', sh.clientSecret).update(sh.username + sh.clientId).digest('base64');
  out.secretHash = sh;

  const text = `${JSON.stringify(out, null, 2)}\n`;
  if (process.argv.includes('--write')) {
    const path = require('path');
    const root = path.join(__dirname, '..', '..');
    for (const f of ['internal/srp/testdata/jsvectors.json', 'internal/cognitotest/testdata/srp_jsvectors.json']) {
      require('fs').writeFileSync(path.join(root, f), text);
    }
  }
  process.stdout.write(text);
}

main().catch((e) => { console.error(e); process.exit(1); });
