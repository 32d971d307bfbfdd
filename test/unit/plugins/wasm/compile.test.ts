import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { compileComponent, withoutJspiProbes } from '../../../../src/plugins/wasm/compile';
import { BEHAVIOURS, buildComponent } from '../../../helpers/wasm-components';

/** Evaluates jco's probe, rewritten, as a script would; `promising` stands for JSPI. */
function probe(js: string, promising: ((f: () => number) => () => number) | undefined): number {
  const WebAssembly = promising ? { promising } : {};
  return vm.runInNewContext(`${js}\nprobed();`, { WebAssembly }) as number;
}

const GLUE = `let probed;
const g = () => 7;
try { probed = WebAssembly.promising(g); } catch (err) { probed = () => -1; }`;

test('JSPI probes: without JSPI the function itself, without throwing; with it, JSPI', () => {
  const rewritten = withoutJspiProbes(GLUE);
  assert.doesNotMatch(rewritten, /WebAssembly\.promising\(g\)/);
  assert.equal(probe(GLUE, undefined), -1, 'the original probe throws without JSPI');
  assert.equal(probe(rewritten, undefined), 7);
  assert.equal(
    probe(rewritten, (f) => () => f() * 10),
    70,
  );
});

test('JSPI probes: glue without them is left as it is; compiled artifacts carry none', async () => {
  assert.equal(withoutJspiProbes('export const x = 1;'), 'export const x = 1;');
  const bytes = await buildComponent(BEHAVIOURS.continue(), 7);
  const a = await compileComponent(bytes, 'sha');
  const body = a.js.split('\n').slice(1).join('\n'); // after the helper
  assert.match(body, /__colliePromising\(/, 'jco probed for JSPI here');
  assert.doesNotMatch(body, /WebAssembly\.promising\(/);
});
