import type { CategoryEvent } from '../domain/events.ts';
import { categoryDecider, type CategoryDefinition, type CategoryState } from '../domain/category.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';

/** PUT /v1/categories/:name: the app's own stream only, so one app never sees or changes another's. */
export async function defineCategory(store: EventStore, ctx: CommandContext, name: string, definition: CategoryDefinition): Promise<CategoryDefinition> {
  const result = await handleCommand(
    store,
    categoryDecider,
    streams.categories(ctx.appId),
    {
      type: 'DefineCategory',
      data: { appId: ctx.appId, name, title: definition.title, ...(definition.description !== undefined && { description: definition.description }), at: ctx.now.toISOString() },
    },
    metadataFor(ctx),
  );
  return result.state.categories[name] ?? definition;
}

export interface CategoryView extends CategoryDefinition {
  name: string;
}

/** The app's categories, by name. */
export async function listCategories(store: EventStore, appId: string): Promise<CategoryView[]> {
  const { state } = await loadState<CategoryState, CategoryEvent>(store, categoryDecider, streams.categories(appId), { cached: true });
  return Object.entries(state.categories)
    .map(([name, d]) => ({ name, ...d }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
