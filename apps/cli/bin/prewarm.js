#!/usr/bin/env node
// The one executable of prewarm; the compiled composition root does the rest.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
// Every command closes what it opened. Should a connection linger anyway (a client library that
// never finishes closing), it must not keep a finished command's process alive.
setTimeout(() => process.exit(), 3000).unref();
