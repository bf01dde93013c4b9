import type { Topology } from '../../../shared/topology';
import type { HostKeyPins } from '../../connectors/ssh-host-keys';
import type { FaultRequest } from '../../sandbox/types';
import type { SecretStore } from '../../store/secret-store';
import type { OperationHandlers } from './step-handler';
import { backupHandlers, type BackupPort } from './backup-handlers';
import { httpHandlers } from './http-handlers';
import type { MongoAccess } from './mongo-access';
import { mongoHandlers, type StandingFenceSink } from './mongo-handlers';
import { sandboxHandlers } from './sandbox-handler';
import { sshHandlers } from './ssh-handler';

export interface HandlerDeps {
  topology: Topology;
  secrets: SecretStore;
  pins: HostKeyPins;
  mongo: MongoAccess;
  /** The backup pipeline, when this engine has one configured. */
  backup: BackupPort | null;
  /** The sandbox's fault endpoint, when the topology is the sandbox. */
  sandboxFault: ((req: FaultRequest) => Promise<{ message: string }>) | null;
  /** Where a fence step that could not reach members leaves its standing order (the monitor runs it later). */
  standingFence?: StandingFenceSink;
}

/** The real handlers of every operation this engine can perform; an operation without one fails with NO_HANDLER. */
export function createHandlers(d: HandlerDeps): OperationHandlers {
  return {
    ...mongoHandlers(d.mongo, { standing: d.standingFence }),
    ...sshHandlers({ topology: d.topology, secrets: d.secrets, pins: d.pins }),
    ...httpHandlers(),
    ...(d.backup ? backupHandlers(d.backup) : {}),
    ...(d.sandboxFault ? sandboxHandlers(d.sandboxFault) : {}),
  };
}
