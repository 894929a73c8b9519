import fs from 'node:fs';
import path from 'node:path';

/**
 * The floors of the house, lowest first: a module may import its own folder and the floors below it.
 * Folders on one floor (the roles the composition root wires side by side) never import each other.
 * `app` is the composition root, the only floor that may start the simulator (the default mode's choice).
 * `simulator` stands alone: it imports no production folder, and only `app` imports it.
 * `packages` (npm workspaces, published apart) likewise: nothing of ours inside, only `app` imports them.
 */
export const FLOORS = [['domain'], ['infra'], ['projections'], ['commands'], ['workflow', 'dispatcher', 'channels', 'monitors'], ['api'], ['app']] as const;
export type Floor = (typeof FLOORS)[number][number] | 'simulator' | 'packages';
const FOLDERS: readonly string[] = [...FLOORS.flat(), 'simulator', 'packages'];
const rank = (floor: Floor): number => (floor === 'simulator' || floor === 'packages' ? -1 : FLOORS.findIndex((f) => (f as readonly string[]).includes(floor)));

/** The dispatcher is a relay: it follows the log and publishes, so it may import only these. */
export const DISPATCHER_MAY_IMPORT: readonly Floor[] = ['dispatcher', 'infra', 'domain'];

export interface ImportEdge {
  from: string;
  to: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** Relative imports of one source text, resolved to repository-relative paths. */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || !spec.startsWith('.')) continue;
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
  }
  return out;
}

/** Every production source file (tests and specs aside) under the floors, with its imports. */
export function readGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(rel);
      } else if (/\.(ts|js)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        const source = fs.readFileSync(path.join(root, rel), 'utf8');
        for (const to of importsOf(rel, source)) edges.push({ from: rel, to });
      }
    }
  };
  for (const floor of FOLDERS) if (fs.existsSync(path.join(root, floor))) walk(floor);
  return edges;
}

export function floorOf(file: string): Floor | undefined {
  const top = file.split('/')[0] ?? '';
  return FOLDERS.includes(top) ? (top as Floor) : undefined;
}

/**
 * Imports that run up the stack, across one floor (between its side-by-side roles), into a folder
 * outside the floors (tests, bench, testkit, scripts), or out of the simulator into production code.
 */
export function upwardImports(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const a = floorOf(from);
    const b = floorOf(to);
    if (a === undefined) return false;
    if (b === undefined) return true;
    if (a === b) return false;
    if (a === 'simulator' || b === 'simulator') return a === 'simulator';
    // packages/ are published on their own (npm workspaces): they import nothing of ours, and only
    // the composition root builds on them (app/client is the client package's source).
    if (a === 'packages' || b === 'packages') return !(a === 'app' && b === 'packages');
    return rank(b) >= rank(a);
  });
}

/** What the dispatcher imports beyond infra and domain. */
export function dispatcherImports(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ from, to }) => floorOf(from) === 'dispatcher' && !DISPATCHER_MAY_IMPORT.includes(floorOf(to) as Floor));
}

/** Production code (everything but the root) importing the provider simulator. */
export function simulatorImports(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ from, to }) => floorOf(to) === 'simulator' && floorOf(from) !== 'simulator' && floorOf(from) !== 'app');
}

/** Cycles between folders (each file's own folder, at every depth), found as strongly connected components. */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = path.posix.dirname(from);
    const b = path.posix.dirname(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)?.add(b);
  }
  // Tarjan's algorithm: every component of more than one folder is a cycle.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(w) ?? 0));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return cycles;
}
