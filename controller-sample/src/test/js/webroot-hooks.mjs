// Module hooks for the page tests: map the URL paths the pages import ('/exec-broker/exec-client.js', and
// '/events-format.js' and the like from webroot/) to their sources, and load webroot/*.js as ES modules (as a browser
// does with type="module").
import { pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';

const here = new URL('.', import.meta.url);
const EXEC_CLIENT = pathToFileURL(
  resolvePath(new URL('../../../../protocol/src/main/js/exec-client.js', here).pathname)).href;

const WEBROOT = new URL('../../main/resources/webroot/', here);

export async function resolve(specifier, context, next) {
  if (specifier === '/exec-broker/exec-client.js') {
    return { url: EXEC_CLIENT, shortCircuit: true };
  }
  if (/^\/[\w-]+\.js$/.test(specifier)) {
    return { url: new URL(specifier.slice(1), WEBROOT).href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (new URL(url).pathname.includes('/webroot/') && new URL(url).pathname.endsWith('.js')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
