/** Exit codes from sysexits.h, which systemd and shell users recognise. */
export const EXIT = {
  OK: 0,
  USAGE: 64,
  SOFTWARE: 70,
  CANT_CREATE: 73,
  IO_ERROR: 74,
  CONFIG: 78,
} as const;
