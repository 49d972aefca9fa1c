// The PouchDB side of make bench: one action per process, JSON in (argv[2]), JSON out (stdout).
//
//   load   {local, file}                 put the NDJSON docs of `file` into the on-disk PouchDB
//                                        `local` (leveldb), untimed setup for a push
//   push   {local, remote, batch_size?, identity?}   local.replicate.to(remote), timed
//   pull   {local, remote, batch_size?, identity?}   local.replicate.from(remote), timed
//   count  {local}                       docs in `local`
//
// `remote` is a pouchdb-server database URL (through the byte-counting relay); `identity` asks the
// server for uncompressed responses (PouchDB cannot compress request bodies either way).
'use strict';

const fs = require('fs');
const readline = require('readline');
const PouchDB = require('pouchdb-node');

function remoteDb(url, identity) {
  const options = {};
  if (identity) {
    options.fetch = (u, opts) => {
      opts.headers.set('Accept-Encoding', 'identity');
      return PouchDB.fetch(u, opts);
    };
  }
  return new PouchDB(url, options);
}

async function load(args) {
  const db = new PouchDB(args.local);
  const started = process.hrtime.bigint();
  const input = readline.createInterface({input: fs.createReadStream(args.file)});
  let batch = [];
  let written = 0;
  for await (const line of input) {
    if (!line) continue;
    batch.push(JSON.parse(line));
    if (batch.length === 1000) {
      written += (await db.bulkDocs(batch)).filter((r) => r.ok).length;
      batch = [];
    }
  }
  if (batch.length) written += (await db.bulkDocs(batch)).filter((r) => r.ok).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.close();
  return {written, seconds};
}

async function replicate(args, direction) {
  const local = new PouchDB(args.local);
  const remote = remoteDb(args.remote, args.identity);
  const options = {};
  if (args.batch_size) options.batch_size = args.batch_size;
  if (args.batches_limit) options.batches_limit = args.batches_limit;
  const started = process.hrtime.bigint();
  const result = direction === 'push'
    ? await local.replicate.to(remote, options)
    : await local.replicate.from(remote, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const info = await local.info();
  await local.close();
  return {seconds, docs_read: result.docs_read, docs_written: result.docs_written,
          doc_write_failures: result.doc_write_failures, status: result.status,
          local_doc_count: info.doc_count, adapter: info.adapter,
          backend_adapter: info.backend_adapter};
}

async function count(args) {
  const db = new PouchDB(args.local);
  const info = await db.info();
  await db.close();
  return {doc_count: info.doc_count};
}

async function main() {
  const [action, raw] = process.argv.slice(2);
  const args = JSON.parse(raw || '{}');
  let out;
  if (action === 'load') out = await load(args);
  else if (action === 'push' || action === 'pull') out = await replicate(args, action);
  else if (action === 'count') out = await count(args);
  else throw new Error(`unknown action ${action}`);
  out.rss_peak_mb = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack || err}\n`);
  process.exit(1);
});
