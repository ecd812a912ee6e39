#!/usr/bin/env node
// The `deja` command. Runs the compiled CLI (dist/, built by `npm ci` through the prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
