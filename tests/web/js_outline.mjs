// The outline of the PWA's JavaScript, read with TypeScript's parser: for each file its
// static imports and every function's length in lines. Prints JSON for tests/web/test_structure.py.
// Usage: node tests/web/js_outline.mjs FILE...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(resolve('package.json'));
const ts = require('typescript');

/** @param {import('typescript').Node} node @param {import('typescript').SourceFile} source */
function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(source).slice(0, 40)})`;
  return '(anonymous)';
}

/** @param {string} file */
function outline(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const functions = [];
  const imports = [];
  /** @param {import('typescript').Node} node */
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: nameOf(node, source), line: first + 1, lines: last - first + 1 });
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!(ts.isImportDeclaration(node) && node.importClause?.isTypeOnly)) imports.push(resolve(dirname(file), node.moduleSpecifier.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file: resolve(file), imports, functions };
}

process.stdout.write(JSON.stringify(process.argv.slice(2).map(outline)));
