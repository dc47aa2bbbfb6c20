// The deploy recipes' YAML printer quoted a string with JSON.stringify alone, which leaves DEL, the C1 controls, NEL,
// U+2028 and U+2029 as they are. Inside YAML's double quotes, kubectl's reader refuses the controls ("control
// characters are not allowed") and folds NEL, U+2028 and U+2029 (line breaks to YAML) into a space: a `--with-env`
// secret (or a script's argument in k8s.yaml) holding one gave a Secret kubectl would not apply, or one whose value was changed.
// They are now written as \u escapes, which every YAML reader takes back as the character.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { renderDeployRecipe } from '../../dist/edge/index.js';

// Raw, none of these reads back as itself in a YAML 1.1 reader's double quotes (kubectl's).
const kUnquotable = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/;
const kValues = ['a\x7fb', 'a\x85b', 'a\x90b', 'a\u2028b', 'a\u2029b', 'tail\x9f', 'ok: #plain'];

test('a secret value with a control or a YAML line break is written escaped in <app>-env.secret.yaml', () => {
  const secretEnv = Object.fromEntries(kValues.map((value, i) => [`V${i}`, value]));
  const files = renderDeployRecipe('k8s', { app: 'api', secretEnv });
  const text = files.find((file) => file.path === 'api-env.secret.yaml')!.content;
  assert.doesNotMatch(text, kUnquotable);
  assert.deepEqual(parse(text).stringData, secretEnv);
  assert.deepEqual(parse(text, { version: '1.1' }).stringData, secretEnv);
});

test('a script argument with a control or a YAML line break is written escaped in k8s.yaml', () => {
  const args = kValues;
  const k8s = renderDeployRecipe('k8s', { app: 'api', args }).find((file) => file.path === 'k8s.yaml')!.content;
  assert.doesNotMatch(k8s, kUnquotable);
  const [deployment] = parseAllDocuments(k8s).map((doc) => doc.toJS());
  assert.deepEqual(deployment.spec.template.spec.containers[0].args.slice(-args.length), args);
});
