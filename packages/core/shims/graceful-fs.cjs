// Bundled in place of graceful-fs (build.mjs). proper-lockfile, its only user here, calls mkdir,
// stat, utimes, rmdir and realpath on the lock directory: none of them open a file descriptor,
// so graceful-fs's EMFILE queue never applies, while its fs patching costs ~4 ms at every start.
module.exports = require('node:fs');
