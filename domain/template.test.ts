import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { TemplateContent, TemplateEvent } from './events.ts';
import { latestVersion, templateDecider, templateVersion, type TemplateCommand } from './template.ts';

const spec = specFor(templateDecider);
const at = '2026-01-01T10:00:00.000Z';
const v1: TemplateContent = { email: { subject: 'Hi {{name}}', html: '<p>Hi {{name}}</p>' } };
const v2: TemplateContent = { ...v1, sms: { text: 'Hi {{name}}, code {{code}}' } };
const publish = (content: TemplateContent, appId = 'app-a', requiredParams = ['name']): TemplateCommand => ({
  type: 'PublishTemplate',
  data: { templateId: 'welcome', appId, content, requiredParams, at },
});
const published = (version: number, content: TemplateContent, requiredParams = ['name']): TemplateEvent => ({
  type: 'TemplatePublished',
  data: { templateId: 'welcome', appId: 'app-a', version, content, requiredParams, at },
});

describe('template decider', () => {
  it('publishes version 1 of a new template, with sorted required params', () =>
    spec
      .given([])
      .when(publish(v1, 'app-a', ['name', 'code']))
      .then([published(1, v1, ['code', 'name'])]));
  it('publishes changed content as the next version', () =>
    spec
      .given([published(1, v1)])
      .when(publish(v2, 'app-a', ['name', 'code']))
      .then([published(2, v2, ['code', 'name'])]));
  it('appends nothing when the content is unchanged (idempotent PUT)', () =>
    spec
      .given([published(1, v1)])
      .when(publish(v1))
      .then([]));
  it('rejects another app publishing over the template', () =>
    spec
      .given([published(1, v1)])
      .when(publish(v2, 'app-b'))
      .thenThrows('template_owned_by_other_app'));
  it('keeps every version addressable', () => {
    const state = fold(templateDecider, [published(1, v1), published(2, v2)]);
    expect(latestVersion(state)?.version).toBe(2);
    expect(templateVersion(state, 1)?.content).toEqual(v1);
    expect(templateVersion(state, 3)).toBeUndefined();
    expect(latestVersion(templateDecider.initialState())).toBeUndefined();
  });
});
