#!/usr/bin/env node
// Prints the tag the NotebookHub component gives the platform's single-user image (run `npm run build` first).
const { notebookImageTag } = await import("../dist/image.js");
process.stdout.write(`${notebookImageTag()}\n`);
