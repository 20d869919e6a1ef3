// Entry point: refuse a too-old Node with a clear message before loading anything that needs Node 24.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(
    `Koppel needs Node.js 22.17 or newer; this is ${process.versions.node}.\n` +
      'Start it with `npm start` (npm puts the Node 24 from node_modules/.bin first in PATH).',
  );
  process.exit(1);
}
await import('./server.js');
