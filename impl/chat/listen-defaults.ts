/**
 * Where the chat server listens unless told (as in 2016: port 50000, the next nine if taken). A
 * leaf module: the CLI names these in `--help` without loading the server.
 */
export const DEFAULT_PORT = 50000;
export const DEFAULT_PORT_TRIES = 10;
export const DEFAULT_HOST = '127.0.0.1';
