// Checks model files the way an editor does: yaml-language-server's language
// service finds each file's schema through its modeline, with no network.
// Every file named must validate clean, and a misspelt key in a service must
// be reported, so the modelines, the schemas and their `$id` work together.
//
// usage: node check.js FILE...   (run by .ci/run on the example platform)
'use strict';
const fs = require('fs');
const path = require('path');
const { URI } = require('vscode-uri');
const { TextDocument } = require('vscode-languageserver-textdocument');
const {
  getLanguageService,
} = require('yaml-language-server/lib/umd/languageservice/yamlLanguageService');

const service = getLanguageService({
  schemaRequestService: (uri) =>
    uri.startsWith('file:')
      ? Promise.resolve(fs.readFileSync(URI.parse(uri).fsPath, 'utf8'))
      : Promise.reject(new Error(`no network in this check: ${uri}`)),
  workspaceContext: { resolveRelativePath: (relative, base) => new URL(relative, base).toString() },
});
service.configure({ validate: true, completion: true, hover: true, schemas: [] });

// Each check is a new version of the document: the service caches parses.
let version = 0;
async function problems(file, text) {
  version += 1;
  const uri = URI.file(path.resolve(file)).toString();
  const document = TextDocument.create(uri, 'yaml', version, text);
  const found = await service.doValidation(document, false);
  return found.map((d) => `${file}:${d.range.start.line + 1}: ${d.message}`);
}

(async () => {
  const files = process.argv.slice(2);
  let failures = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.startsWith('# yaml-language-server: $schema=')) {
      failures.push(`${file}: no yaml-language-server modeline on the first line`);
    }
    failures = failures.concat(await problems(file, text));
  }
  const serviceFile = files.find((f) => f.includes('services/'));
  if (serviceFile) {
    const typo = fs.readFileSync(serviceFile, 'utf8') + 'replcas: 2\n';
    const found = await problems(serviceFile, typo);
    if (!found.some((p) => p.endsWith('Property replcas is not allowed.'))) {
      failures.push(`${serviceFile}: a misspelt key is not reported (${found.join('; ')})`);
    }
  }
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log(`yaml-language-server: ${files.length} files valid, a misspelt key reported`);
})();
