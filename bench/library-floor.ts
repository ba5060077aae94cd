/**
 * A handler's library floor: the npm packages its bundle really contains, imported the way the
 * handler's own files import them (the same specifiers, the same named imports, so tree-shaking
 * keeps comparable parts), and nothing of ours. Bundled with the same options, it is the least a
 * handler carrying those libraries can weigh and load in.
 */
import type { Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** `@scope/name` or `name` of a path inside node_modules; undefined for a file of ours. */
export const packageOf = (path: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];

/** Bytes in the output by package (npm) or by folder (ours). */
export const bytesByPackage = (output: Metafile['outputs'][string]): Map<string, number> => {
  const by = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const key = packageOf(path) ?? path.replace(/\/[^/]+$/, '');
    by.set(key, (by.get(key) ?? 0) + input.bytesInOutput);
  }
  return by;
};

/**
 * What one of our files imports from each module specifier: the names, `default`, or `*`. A
 * namespace import (`import * as z from 'zod/mini'`) counts as the members the file reads off it
 * (`z.object`), as esbuild tree-shakes it; read whole anywhere, it is `*`.
 */
const valueImports = (source: string, fileName: string): Map<string, Set<string>> => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const bySpecifier = new Map<string, Set<string>>();
  const add = (spec: string, name: string) => {
    const names = bySpecifier.get(spec) ?? new Set<string>();
    names.add(name);
    bySpecifier.set(spec, names);
  };
  const namespaces = new Map<string, string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && namespaces.has(node.text) && !ts.isNamespaceImport(node.parent)) {
      const spec = namespaces.get(node.text)!;
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) add(spec, parent.name.text);
      else if (!ts.isQualifiedName(parent)) add(spec, '*');
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (!clause) add(spec, '');
      else if (!clause.isTypeOnly) {
        if (clause.name) add(spec, 'default');
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, spec);
        if (bindings && ts.isNamedImports(bindings))
          for (const el of bindings.elements) if (!el.isTypeOnly) add(spec, (el.propertyName ?? el.name).text);
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      const spec = node.moduleSpecifier.text;
      const clause = node.exportClause;
      if (!clause || ts.isNamespaceExport(clause)) add(spec, '*');
      else for (const el of clause.elements) if (!el.isTypeOnly) add(spec, (el.propertyName ?? el.name).text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, '*');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return bySpecifier;
};

/**
 * The source of a floor entry for a bundle: every import one of our files in it makes of a package
 * the output contains, with the same names. `without` leaves out names that have no value at
 * runtime (a type imported without `type`), which esbuild reports as missing exports.
 */
export const floorSource = (root: string, metafile: Metafile, without: ReadonlySet<string> = new Set()): { source: string; packages: string[] } => {
  const output = Object.values(metafile.outputs)[0]!;
  const contained = new Set(Object.entries(output.inputs).flatMap(([p, i]) => (i.bytesInOutput > 0 ? [packageOf(p)].filter((x) => x !== undefined) : [])));
  // Files only a dynamic import() reaches are evaluated when the handler first needs them (read-file.ts
  // and the PDF parser): their packages are imported the same way in the floor.
  const entry = Object.keys(metafile.inputs).find((p) => output.entryPoint === p);
  const eager = new Set<string>(entry ? [entry] : []);
  for (const queue = [...eager]; queue.length > 0; ) {
    for (const r of metafile.inputs[queue.pop()!]?.imports ?? [])
      if (r.kind !== 'dynamic-import' && !r.external && !eager.has(r.path)) eager.add(r.path), queue.push(r.path);
  }
  const wanted = new Map<string, Set<string>>();
  const lazy = new Set<string>();
  for (const path of Object.keys(output.inputs)) {
    if (packageOf(path) !== undefined || !/\.[cm]?[jt]s$/.test(path)) continue;
    const records = metafile.inputs[path]?.imports ?? [];
    const imports = valueImports(readFileSync(join(root, path), 'utf8'), path);
    for (const [spec, names] of imports) {
      const record = records.find((r) => r.original === spec);
      const pkg = record && !record.external ? packageOf(record.path) : undefined;
      if (!pkg || !contained.has(pkg)) continue;
      if (!eager.has(path)) {
        lazy.add(spec);
        continue;
      }
      const set = wanted.get(spec) ?? new Set<string>();
      for (const n of names) set.add(n);
      wanted.set(spec, set);
    }
  }
  const lines: string[] = [];
  const refs: string[] = [];
  let i = 0;
  for (const [spec, names] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const s = JSON.stringify(spec);
    const named = [...names].filter((n) => n !== '' && n !== '*' && n !== 'default' && !without.has(`${spec}:${n}`));
    if (names.has('*')) lines.push(`import * as m${i} from ${s};`), refs.push(`m${i++}`);
    if (names.has('default')) lines.push(`import m${i} from ${s};`), refs.push(`m${i++}`);
    if (named.length > 0) {
      const aliases = named.map((n) => `${n} as m${i + named.indexOf(n)}`);
      lines.push(`import { ${aliases.join(', ')} } from ${s};`);
      for (let k = 0; k < named.length; k++) refs.push(`m${i++}`);
    }
    if (names.size === 1 && names.has('')) lines.push(`import ${s};`);
  }
  lines.push(`export const probe = [${refs.join(', ')}];`);
  const onFirstUse = [...lazy].filter((spec) => !wanted.has(spec)).sort();
  if (onFirstUse.length > 0) lines.push(`export const later = () => Promise.all([${onFirstUse.map((spec) => `import(${JSON.stringify(spec)})`).join(', ')}]);`);
  return { source: `${lines.join('\n')}\n`, packages: [...contained].sort() };
};
