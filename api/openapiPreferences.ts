import { z } from 'zod';
import { PREF_CHANNELS } from '../domain/events.ts';
import { MAX_CATEGORIES_PER_APP } from '../domain/category.ts';
import { categoryBodySchema, preferencesLinkBodySchema } from './routes/preferenceCenter.ts';

/** The hosted preference center's part of the OpenAPI document: categories, signed links, the page. */
const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const pathParam = (name: string, description?: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) });
const common = {
  '400': err('invalid input; `field` names it'),
  '401': err('missing or invalid credentials'),
  '429': err("per-app request rate, or this client's failed credential checks, exceeded (Retry-After)"),
};

export const preferenceTag = { name: 'preference center', description: 'categories and the hosted page where end users change their own preferences (signed links)' };

export const preferenceSchemas = {
  Category: {
    type: 'object',
    required: ['name', 'title'],
    properties: { name: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' } },
  },
  CategoryList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Category') } } },
  PreferencesLink: {
    type: 'object',
    required: ['url', 'expiresAt'],
    properties: {
      url: { type: 'string', format: 'uri', description: 'PUBLIC_URL + /preferences/<signed token>: open it in a browser' },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  },
};

const formField = {
  type: 'object',
  required: ['csrf'],
  properties: {
    csrf: { type: 'string', description: "the page's hidden form token; missing or wrong: 403" },
    channel: { type: 'array', items: { enum: [...PREF_CHANNELS] }, description: 'channels ticked (unticked ones are turned off)' },
    category: { type: 'array', items: { type: 'string' }, description: 'the categories the page showed' },
  },
  additionalProperties: { type: 'array', items: { enum: [...PREF_CHANNELS] }, description: '`c.<category>`: the channels ticked for that category' },
};

/** Fresh objects on every call: the document builder adds responses to each operation in place. */
export const preferencePaths = () => ({
  '/v1/categories': {
    get: {
      operationId: 'listCategories',
      tags: ['preference center'],
      summary: "The calling app's categories, by name",
      responses: { '200': ok('the categories', ref('CategoryList')), ...common },
    },
  },
  '/v1/categories/{name}': {
    put: {
      operationId: 'defineCategory',
      tags: ['preference center'],
      summary: 'Set the title and description the preference page shows for a category (idempotent; per app)',
      description: `Categories are the \`category\` of notification requests; defining one is optional (an undefined category still works and the page shows its name). At most ${MAX_CATEGORIES_PER_APP} per app (409 limit_reached past it).`,
      parameters: [pathParam('name', '1-64 of letters, digits and _.-')],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: json(categoryBodySchema), example: { title: 'Order updates', description: 'When your order ships and arrives.' } } },
      },
      responses: { '200': ok('the category', ref('Category')), '409': err(`limit_reached: the app has ${MAX_CATEGORIES_PER_APP} categories`), ...common },
    },
  },
  '/v1/users/{userId}/preferences-link': {
    post: {
      operationId: 'createPreferencesLink',
      tags: ['preference center'],
      summary: "A signed link to the user's hosted preference page (this app and this user only; PREFERENCES_LINK_TTL_DAYS, default 7 days)",
      description: 'A template may place the same link with `{{ preferences_url }}`: it is minted per recipient when the message is rendered.',
      parameters: [pathParam('userId')],
      requestBody: { required: false, content: { 'application/json': { schema: json(preferencesLinkBodySchema), example: { expiresInSeconds: 86_400 } } } },
      responses: { '200': ok('the link', ref('PreferencesLink')), '404': err('unknown user'), ...common },
    },
  },
  '/preferences/{token}': {
    get: {
      operationId: 'openPreferencePage',
      tags: ['preference center'],
      summary: "The hosted preference page (HTML form, no script): the user's channels and the app's categories",
      security: [],
      parameters: [pathParam('token', 'from the signed link')],
      responses: { '200': html('the form'), '404': html('forged, malformed, or the user or app is gone'), '410': html('the link expired') },
    },
    post: {
      operationId: 'savePreferencePage',
      tags: ['preference center'],
      summary: 'The form posted back: records PreferencesChanged exactly as PUT /v1/users/{userId}/preferences does',
      security: [],
      parameters: [pathParam('token', 'from the signed link')],
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: formField } } },
      responses: {
        '200': html('saved; the form again with a confirmation'),
        '400': html('a field the form does not have; nothing recorded'),
        '403': html('form token missing or wrong, or sent from another site; nothing recorded'),
        '404': html('forged, malformed, or the user or app is gone'),
        '410': html('the link expired; nothing recorded'),
      },
    },
  },
});
