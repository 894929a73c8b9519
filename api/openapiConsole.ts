import { OPERATOR_ROLES } from '../domain/events.ts';

/**
 * The console's own routes (console/router.ts, console/admin.ts): operator sign-in and sessions,
 * apps and operators for admins, and the audit trail. They take the session cookie, never app
 * credentials; the role each needs is console/roles.ts's (in each summary as well).
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const session = [{ consoleSession: [] }];
const signedIn = {
  '401': err('not signed in, or the session ended (signed out, expired, operator disabled or given a new password)'),
  '403': err("the operator's role does not allow this, or the X-CSRF-Token is missing"),
};
const role = { enum: [...OPERATOR_ROLES] };
const iso = { type: 'string', format: 'date-time' };
const operatorRef = { type: 'object', required: ['operatorId', 'email'], properties: { operatorId: { type: 'string' }, email: { type: 'string' } } };
const tags = ['console'];

export const consoleSchemas = {
  ConsoleSession: {
    type: 'object',
    required: ['operator', 'appId', 'csrf'],
    properties: {
      operator: { type: 'object', required: ['operatorId', 'email', 'role'], properties: { operatorId: { type: 'string' }, email: { type: 'string' }, role } },
      appId: { type: ['string', 'null'], description: "the app the console's /v1 calls act as (PUT /console/session/app)" },
      csrf: { type: 'string', description: 'send as X-CSRF-Token on every request that changes something' },
    },
  },
  Account: {
    type: 'object',
    required: ['kind', 'id', 'name', 'status', 'createdAt', 'updatedAt'],
    properties: {
      kind: { enum: ['operator', 'app'] },
      id: { type: 'string', description: 'operatorId or appKey' },
      name: { type: 'string', description: "the operator's email or the app's name" },
      role,
      status: { enum: ['active', 'disabled', 'revoked'] },
      totp: { type: 'boolean' },
      createdAt: iso,
      updatedAt: iso,
    },
  },
  AuditEntry: {
    type: 'object',
    required: ['id', 'at', 'action', 'by', 'subject', 'details'],
    properties: {
      id: { type: 'string', description: 'the id of the event it comes from' },
      at: iso,
      action: { type: 'string', description: 'the event type: RedriveRequested, NotificationCanceled, AppRegistered, OperatorRoleChanged, ...' },
      by: { oneOf: [operatorRef, { type: 'null' }], description: 'the operator who did it; null: the CLI on the host' },
      subject: {
        type: 'object',
        required: ['kind', 'id'],
        properties: { kind: { enum: ['app', 'operator', 'redrive', 'notification'] }, id: { type: 'string' }, name: { type: 'string' } },
      },
      appId: { type: 'string' },
      details: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    },
  },
};

const accountList = ok('the accounts', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Account') } } });
const created = (what: string) => ({
  type: 'object',
  required: ['operatorId', 'email', 'role'],
  properties: {
    operatorId: { type: 'string' },
    email: { type: 'string' },
    role,
    password: { type: 'string', description: `${what}: shown this once` },
    totpUri: { type: 'string', description: 'otpauth:// URI, with totp: true; shown this once' },
  },
});
const credentials = {
  type: 'object',
  required: ['appKey', 'appSecret'],
  properties: { appKey: { type: 'string' }, appSecret: { type: 'string', description: 'shown this once' } },
};

export const consolePaths = {
  '/console/session': {
    post: {
      operationId: 'consoleSignIn',
      tags,
      summary: 'Operator sign-in (email, password, and the TOTP code when the operator has one); sets the HttpOnly session cookie',
      security: [],
      requestBody: body({
        type: 'object',
        required: ['email', 'password'],
        properties: {
          email: { type: 'string' },
          password: { type: 'string' },
          totp: { type: 'string', pattern: '^[0-9]{6}$' },
          appId: { type: 'string', description: 'the app to look at first (default: the first active app)' },
        },
      }),
      responses: {
        '200': ok('signed in', ref('ConsoleSession')),
        '400': err('a field is missing; `field` names it'),
        '401': err('wrong email or password, disabled account, `totp_required`, or a wrong or reused TOTP code'),
        '403': err('from another origin'),
        '429': err('too many failed sign-ins from this client or for this account (Retry-After)'),
      },
    },
    get: {
      operationId: 'consoleSession',
      tags,
      summary: 'The live session, with its CSRF token',
      security: session,
      responses: { '200': ok('the session', ref('ConsoleSession')), '401': err('not signed in') },
    },
    delete: {
      operationId: 'consoleSignOut',
      tags,
      summary: 'Sign out: the session record is deleted, for every API process',
      security: session,
      responses: { '204': { description: 'signed out' }, '403': err('missing X-CSRF-Token') },
    },
  },
  '/console/session/app': {
    put: {
      operationId: 'consoleSelectApp',
      tags,
      summary: 'The app the console looks at (viewer)',
      security: session,
      requestBody: body({ type: 'object', required: ['appId'], properties: { appId: { type: 'string' } } }),
      responses: { '200': ok('selected', { type: 'object', required: ['appId'], properties: { appId: { type: 'string' } } }), '400': err('not an active app'), ...signedIn },
    },
  },
  '/console/apps': {
    get: {
      operationId: 'consoleListApps',
      tags,
      summary: 'Every app (viewer)',
      security: session,
      responses: { '200': accountList, ...signedIn, '503': err('no projection store') },
    },
    post: {
      operationId: 'consoleCreateApp',
      tags,
      summary: 'Register an app (admin); its secret is in this answer only',
      security: session,
      requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } }),
      responses: { '201': ok('the credentials', credentials), '400': err('bad name'), ...signedIn },
    },
  },
  '/console/apps/{appId}/rotate': {
    post: {
      operationId: 'consoleRotateApp',
      tags,
      summary: "Replace an app's secret (admin)",
      security: session,
      parameters: [pathParam('appId')],
      responses: { '200': ok('the new credentials', credentials), '404': err('no such app'), ...signedIn },
    },
  },
  '/console/apps/{appId}/revoke': {
    post: {
      operationId: 'consoleRevokeApp',
      tags,
      summary: 'Revoke an app (admin)',
      security: session,
      parameters: [pathParam('appId')],
      responses: {
        '200': ok('revoked', { type: 'object', required: ['appKey', 'revoked'], properties: { appKey: { type: 'string' }, revoked: { const: true } } }),
        '404': err('no such app'),
        ...signedIn,
      },
    },
  },
  '/console/operators': {
    get: {
      operationId: 'consoleListOperators',
      tags,
      summary: 'Every operator (admin)',
      security: session,
      responses: { '200': accountList, ...signedIn, '503': err('no projection store') },
    },
    post: {
      operationId: 'consoleCreateOperator',
      tags,
      summary: 'Create an operator (admin); without a password one is generated and returned once',
      security: session,
      requestBody: body({
        type: 'object',
        required: ['email', 'role'],
        properties: { email: { type: 'string' }, role, password: { type: 'string', minLength: 12 }, totp: { type: 'boolean' } },
      }),
      responses: {
        '201': ok('created', created('a generated password')),
        '400': err('bad email, role or password'),
        '409': err('an operator with this email exists'),
        ...signedIn,
      },
    },
  },
  '/console/operators/{operatorId}/role': {
    put: {
      operationId: 'consoleSetOperatorRole',
      tags,
      summary: "Change an operator's role (admin); applies to their open sessions at once",
      security: session,
      parameters: [pathParam('operatorId')],
      requestBody: body({ type: 'object', required: ['role'], properties: { role } }),
      responses: {
        '200': ok('changed', { type: 'object', required: ['operatorId', 'role'], properties: { operatorId: { type: 'string' }, role } }),
        '404': err('no such operator'),
        ...signedIn,
      },
    },
  },
  ...Object.fromEntries(
    (['disable', 'enable'] as const).map((action) => [
      `/console/operators/{operatorId}/${action}`,
      {
        post: {
          operationId: action === 'disable' ? 'consoleDisableOperator' : 'consoleEnableOperator',
          tags,
          summary:
            action === 'disable' ? 'Disable an operator (admin): their sessions end at once; not yourself (409)' : 'Enable a disabled operator (admin); old sessions stay ended',
          security: session,
          parameters: [pathParam('operatorId')],
          responses: {
            '200': ok('the status', {
              type: 'object',
              required: ['operatorId', 'status'],
              properties: { operatorId: { type: 'string' }, status: { enum: ['active', 'disabled'] } },
            }),
            '404': err('no such operator'),
            '409': err('disabling yourself'),
            ...signedIn,
          },
        },
      },
    ]),
  ),
  '/console/operators/{operatorId}/password': {
    post: {
      operationId: 'consoleResetOperatorPassword',
      tags,
      summary: "Set an operator's password (admin; generated and returned once when none is given); their sessions end",
      security: session,
      parameters: [pathParam('operatorId')],
      requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { password: { type: 'string', minLength: 12 } } } } } },
      responses: {
        '200': ok('changed', { type: 'object', required: ['operatorId'], properties: { operatorId: { type: 'string' }, password: { type: 'string' } } }),
        '400': err('password too short'),
        '404': err('no such operator'),
        ...signedIn,
      },
    },
  },
  '/console/audit': {
    get: {
      operationId: 'consoleAudit',
      tags,
      summary: 'Operator actions, newest first, naming who did them (viewer): redrives, cancels, app and operator changes',
      security: session,
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the page before' },
        { name: 'operatorId', in: 'query', schema: { type: 'string' } },
        { name: 'appId', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        '200': ok('a page', {
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: { items: { type: 'array', items: ref('AuditEntry') }, nextCursor: { type: ['string', 'null'] } },
        }),
        '400': err('bad limit or cursor'),
        ...signedIn,
        '503': err('no projection store'),
      },
    },
  },
};
