#!/usr/bin/env node
// Thin launcher: runs the compiled lib/ when it is up to date with src/, else the TypeScript through
// tsx's loader, so a fresh clone needs no build step (bin/launch.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMain } from './launch.mjs';

const main = await loadMain(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
process.exitCode = await main(process.argv.slice(2));
