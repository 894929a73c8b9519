import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { categoryDecider, MAX_CATEGORIES_PER_APP, type CategoryCommand } from './category.ts';
import { fold } from './decider.ts';
import type { CategoryEvent } from './events.ts';

const spec = specFor(categoryDecider);
const at = '2026-01-01T10:00:00.000Z';
const define = (name: string, title: string, description?: string): CategoryCommand => ({
  type: 'DefineCategory',
  data: { appId: 'app-a', name, title, ...(description !== undefined && { description }), at },
});
const defined = (name: string, title: string, description?: string): CategoryEvent => ({
  type: 'CategoryDefined',
  data: { appId: 'app-a', name, title, ...(description !== undefined && { description }), at },
});

describe('category decider', () => {
  it('defines a new category', () =>
    spec
      .given([])
      .when(define('orders', 'Orders', 'Shipping'))
      .then([defined('orders', 'Orders', 'Shipping')]));
  it('records nothing when title and description are unchanged (idempotent PUT)', () =>
    spec
      .given([defined('orders', 'Orders', 'Shipping')])
      .when(define('orders', 'Orders', 'Shipping'))
      .then([]));
  it('a PUT without a description clears it', () =>
    spec
      .given([defined('orders', 'Orders', 'Shipping')])
      .when(define('orders', 'Orders'))
      .then([defined('orders', 'Orders')]));
  it(`refuses a category past ${MAX_CATEGORIES_PER_APP}, but still updates an existing one`, () => {
    const full = Array.from({ length: MAX_CATEGORIES_PER_APP }, (_, i) => defined(`c${i}`, `C ${i}`));
    spec.given(full).when(define('one-more', 'One more')).thenThrows('limit_reached');
    spec
      .given(full)
      .when(define('c0', 'Renamed'))
      .then([defined('c0', 'Renamed')]);
  });
  it('folds to the latest definition per name; names like constructor are plain keys', () => {
    const state = fold(categoryDecider, [defined('orders', 'Orders', 'Shipping'), defined('constructor', 'Odd'), defined('orders', 'Order updates')]);
    expect(state.categories).toEqual({ orders: { title: 'Order updates' }, constructor: { title: 'Odd' } });
    spec
      .given([])
      .when(define('constructor', 'Odd'))
      .then([defined('constructor', 'Odd')]);
  });
});
