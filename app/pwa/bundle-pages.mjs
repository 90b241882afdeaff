// The pages' scripts as a few files (issue 18: the report form on a slow phone), run by
// `flask assets publish` (app/pwa/bundles.py):
//
//   node app/pwa/bundle-pages.mjs <static dir> <worker modules dir> <out dir> <entry> [<entry> ...]
//
// Each entry (a page script under static/, as module_script names it: js/app.js, js/report-form.js)
// becomes one file; what several entries share goes into chunks that they import, so a module is
// loaded once per page (its state included) however many of the page's scripts use it. Imports by
// address (/static/js/..., /sw/...) are read from the two source folders. Writes the bundles, and
// prints esbuild's metafile (what each output imports) as JSON for the manifest.
import path from 'node:path';
import * as esbuild from 'esbuild';

const [staticDir, workerDir, outDir, ...entries] = process.argv.slice(2);
if (!staticDir || !workerDir || !outDir || entries.length === 0) {
  console.error('usage: bundle-pages.mjs <static dir> <worker modules dir> <out dir> <entry>...');
  process.exit(2);
}

const byAddress = {
  name: 'addresses',
  setup(build) {
    build.onResolve({ filter: /^\/(static|sw)\// }, (args) => {
      const [, folder, rest] = args.path.match(/^\/(static|sw)\/(.*)$/);
      return { path: path.resolve(folder === 'sw' ? workerDir : staticDir, rest) };
    });
  },
};

const result = await esbuild.build({
  entryPoints: entries.map((entry) => path.resolve(staticDir, entry)),
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  outdir: outDir,
  outbase: staticDir,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  plugins: [byAddress],
  logLevel: 'error',
});
process.stdout.write(JSON.stringify(result.metafile));
