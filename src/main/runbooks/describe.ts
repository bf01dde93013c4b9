import { shellCommand } from '../connectors/shell-quote';
import type { Operation } from './runbook';

const members = (m: Array<{ name: string }>) => m.map((x) => x.name).join(', ');

/**
 * The exact operation in one line, for the plan preview, the approver's screen and the report. Remote
 * commands are shown exactly as they are sent: the argument array quoted for /bin/sh.
 */
export function describeOperation(op: Operation): string {
  switch (op.op) {
    case 'mongo.expectPrimary':
      return `hello on ${members(op.members)}: expect ${op.expected} to be the writable primary of ${op.replicaSet}`;
    case 'mongo.stepDown':
      return `db.adminCommand({ replSetStepDown: ${op.stepDownSecs}, secondaryCatchUpPeriodSecs: ${op.secondaryCatchUpPeriodSecs}${op.force ? ', force: true' : ''} }) on ${op.member.name} (${op.member.address})`;
    case 'mongo.freeze':
      return `db.adminCommand({ replSetFreeze: ${op.seconds} }) on ${op.member.name} (${op.member.address})`;
    case 'mongo.waitWritablePrimary':
      return `poll hello on ${members(op.members)} every ${op.pollMs} ms until ${op.notMember ? `a member other than ${op.notMember}` : 'a member'} is the writable primary of ${op.replicaSet}`;
    case 'mongo.writeProbe':
      return `insertOne into ${op.database}.${op.collection} on ${op.replicaSet} with writeConcern { w: "majority" }`;
    case 'mongo.fence':
      return `on ${op.site} (${members(op.members)}): replSetFreeze ${op.seconds} on each reachable secondary, then replSetStepDown ${op.seconds} (force) on a reachable primary`;
    case 'mongo.unfence':
      return `replSetFreeze 0 on each reachable member of ${op.site} (${members(op.members)})`;
    case 'guard.siteNotWritable':
      return `hello on ${members(op.members)}: refuse if any answers isWritablePrimary (split-brain rule)`;
    case 'mongo.promote':
      return `if ${op.replicaSet} has no writable primary: replSetFreeze 0 and replSetStepUp on ${op.preferred}; wait for a writable primary`;
    case 'backup.verifyLatest':
      return `backup: verify the checksum and chain link of the latest ${op.from}→${op.to} slice`;
    case 'backup.applyLatest':
      return `backup: apply every verified ${op.from}→${op.to} slice not yet applied, in order (applyOps)`;
    case 'backup.cycle':
      return `backup: capture ${op.from}'s oplog since the last position, ship to ${op.to}'s landing, verify, apply`;
    case 'backup.resumeRoute':
      return `backup: resume ${op.from}→${op.to} with a chain anchored where both sites last held the same data; refused (no baseline over ${op.to}) if ${op.to} changed since`;
    case 'ssh.exec':
      return `ssh ${op.target.username}@${op.target.address} -p ${op.target.port} -- ${shellCommand(op.argv)}`;
    case 'http.health':
      return `GET ${op.urls.join(', ')} every ${op.pollMs} ms until ${op.expect === 'up' ? `each answers ${op.expectStatus}` : 'none answers'}`;
    case 'traffic.switch':
      return op.hook.kind === 'command'
        ? `run locally (no shell): ${JSON.stringify(op.hook.argv)}`
        : `${op.hook.method} ${op.hook.url}${op.hook.body === null ? '' : ` body ${JSON.stringify(op.hook.body)}`}${op.hook.expectStatus === null ? '' : ` expect ${op.hook.expectStatus}`}`;
    case 'sandbox.fault': {
      const f = op.fault;
      const extra = [f.from && `from ${f.from}`, f.ms !== null && `${f.ms} ms`, f.seconds !== null && `${f.seconds} s`, f.running !== null && `running=${f.running}`].filter(Boolean).join(', ');
      return `sandbox fault ${f.action} ${f.target}${extra ? ` (${extra})` : ''}`;
    }
    case 'manual.confirm':
      return `wait for a person to confirm: ${op.prompt}`;
  }
}
