// `npm run koppel -- <command>`: the same Node check as main.ts, then the commands.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(`Koppel needs Node.js 22.17 or newer (this is ${process.versions.node}); run it through npm.`);
  process.exit(1);
}
const { runCli } = await import('./cli/commands.js');
process.exit(await runCli(process.argv.slice(2)));
