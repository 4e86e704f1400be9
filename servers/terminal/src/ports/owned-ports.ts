import type { TerminalDeps } from '../deps.js';
import type { Owner } from '../processes/process-manager.js';
import { listeningPorts, type ListeningPort } from './listening-ports.js';

/** Ports listened on by the owner's commands and terminals (and what they started). */
export function ownedPorts(deps: Pick<TerminalDeps, 'processes' | 'terminals'>, owner: Owner): Promise<ListeningPort[]> {
  return listeningPorts([...deps.processes.runningPids(owner), ...deps.terminals.pids(owner)]);
}
