#!/usr/bin/env node
// The one executable of prewarm; the compiled composition root does the rest.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
