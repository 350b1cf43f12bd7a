import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server/app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`deskgraph: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const starting = startServer(config, log);

  // Installed before start-up finishes: a signal during migrations still stops the embedded database.
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    // Whatever happens while draining, the process is gone within the timeout.
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    starting
      .then((server) => server.stop())
      .then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await starting;
}

main().catch((error) => {
  process.stderr.write(`deskgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
