import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { CategoryEvent } from './events.ts';

/**
 * An app's notification categories as its end users see them in the hosted preference center:
 * a title and a description per category name (the `category` of a notification request). One
 * stream per app; defining a category is optional: a category without a definition still works
 * everywhere and the preference center shows its name.
 */
export interface CategoryDefinition {
  title: string;
  description?: string;
}

export interface CategoryState {
  categories: Record<string, CategoryDefinition>;
}

/** The preference center lists every category on one page: a bound keeps that page usable. */
export const MAX_CATEGORIES_PER_APP = 100;

export type CategoryCommand = {
  type: 'DefineCategory';
  data: { appId: string; name: string; title: string; description?: string; at: string };
};

const initialState = (): CategoryState => ({ categories: {} });

function evolve(state: CategoryState, event: CategoryEvent): CategoryState {
  switch (event.type) {
    case 'CategoryDefined': {
      const { name, title, description } = event.data;
      return { categories: { ...state.categories, [name]: { title, ...(description !== undefined && { description }) } } };
    }
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

function decide(command: CategoryCommand, state: CategoryState): CategoryEvent[] {
  const { name, title, description } = command.data;
  const current = Object.hasOwn(state.categories, name) ? state.categories[name] : undefined;
  // PUT is idempotent: the same title and description again records nothing.
  if (current && current.title === title && current.description === description) return [];
  if (!current && Object.keys(state.categories).length >= MAX_CATEGORIES_PER_APP) {
    throw new DomainError('limit_reached', `the app has ${MAX_CATEGORIES_PER_APP} categories, the most one preference page lists`);
  }
  return [{ type: 'CategoryDefined', data: command.data }];
}

export const categoryDecider: Decider<CategoryState, CategoryCommand, CategoryEvent> = { initialState, evolve, decide };
