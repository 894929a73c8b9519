import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dispatcherImports, folderCycles, importsOf, readGraph, simulatorImports, upwardImports, type ImportEdge } from './importGraph.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const show = (edges: readonly ImportEdge[]) => edges.map((e) => `${e.from} -> ${e.to}`);

describe('the layout: app -> api -> workflow, dispatcher, channels, monitors -> commands -> projections -> infra -> domain; the simulator apart', () => {
  const edges = readGraph(root);

  it('reads the project (a sanity floor: the rule below would pass on an empty graph)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((e) => e.from.startsWith('app/') && e.to.startsWith('channels/'))).toBe(true);
  });

  it('no floor imports a floor above it or a role beside it (domain imports nothing of ours; the simulator nothing of production)', () => {
    expect(show(upwardImports(edges))).toEqual([]);
  });

  it('the dispatcher is a relay: it imports infra and domain only', () => {
    expect(edges.some((e) => e.from.startsWith('dispatcher/'))).toBe(true);
    expect(show(dispatcherImports(edges))).toEqual([]);
  });

  it('no folders form a cycle', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('no production module imports the simulator (only the root starts it)', () => {
    expect(show(simulatorImports(edges))).toEqual([]);
  });
});

describe('the rule itself catches what it is for', () => {
  it('finds an upward import, a sideways import, an import outside the floors, a cycle, a simulator import, a dispatcher decision and a package that is not standalone', () => {
    const edges: ImportEdge[] = [
      { from: 'domain/a.ts', to: 'infra/b.ts' },
      { from: 'infra/b.ts', to: 'tests/helpers/x.ts' },
      { from: 'channels/x/a.ts', to: 'channels/y/b.ts' },
      { from: 'channels/y/b.ts', to: 'channels/x/c.ts' },
      { from: 'channels/x/d.ts', to: 'simulator/s.ts' },
      { from: 'app/main.ts', to: 'simulator/s.ts' },
      { from: 'commands/c.ts', to: 'domain/a.ts' },
      { from: 'channels/s.ts', to: 'monitors/m.ts' },
      { from: 'api/r.ts', to: 'workflow/w.ts' },
      { from: 'simulator/x.ts', to: 'channels/p.ts' },
      { from: 'dispatcher/d.ts', to: 'commands/c.ts' },
      { from: 'dispatcher/d.ts', to: 'infra/b.ts' },
      { from: 'app/client/index.ts', to: 'packages/client/src/index.ts' },
      { from: 'api/x.ts', to: 'packages/client/src/index.ts' },
      { from: 'packages/client/src/index.ts', to: 'domain/a.ts' },
      { from: 'packages/client/src/index.ts', to: 'packages/client/src/retry.ts' },
    ];
    expect(show(upwardImports(edges))).toEqual([
      'domain/a.ts -> infra/b.ts',
      'infra/b.ts -> tests/helpers/x.ts',
      'channels/s.ts -> monitors/m.ts',
      'simulator/x.ts -> channels/p.ts',
      'api/x.ts -> packages/client/src/index.ts',
      'packages/client/src/index.ts -> domain/a.ts',
    ]);
    expect(show(dispatcherImports(edges))).toEqual(['dispatcher/d.ts -> commands/c.ts']);
    expect(folderCycles(edges)).toEqual([['channels/x', 'channels/y']]);
    expect(show(simulatorImports(edges))).toEqual(['channels/x/d.ts -> simulator/s.ts']);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const source = [
      "import { a } from '../infra/a.ts';",
      "import type { B } from './b.ts';",
      "export { c } from '../commands/c.ts';",
      "const d = await import('../app/d.ts');",
      "import 'liquidjs';",
    ].join('\n');
    expect(importsOf('channels/x.ts', source)).toEqual(['infra/a.ts', 'channels/b.ts', 'commands/c.ts', 'app/d.ts']);
  });
});
