import { describe, expect, it } from 'vitest';
import { electable, grantVote, majorityVoteCount, priorityRank, writeMajorityCount, type ConfigMember } from '../../../src/main/sandbox/election-rules';
import { electionIdForTerm } from '../../../src/main/sandbox/member';

const psa: ConfigMember[] = [
  { _id: 0, name: 'dc-1', host: 'h1', arbiterOnly: false, priority: 2, votes: 1 },
  { _id: 1, name: 'dc-2', host: 'h2', arbiterOnly: false, priority: 1, votes: 1 },
  { _id: 2, name: 'dc-3', host: 'h3', arbiterOnly: true, priority: 0, votes: 1 },
];

describe('replica-set rules', () => {
  it('needs 2 of 3 votes, and w:majority needs both data-bearing members of a PSA set', () => {
    expect(majorityVoteCount(psa)).toBe(2);
    expect(writeMajorityCount(psa)).toBe(2);
    expect(writeMajorityCount([...psa, { _id: 3, name: 'x', host: 'h4', arbiterOnly: false, priority: 1, votes: 1 }, { _id: 4, name: 'y', host: 'h5', arbiterOnly: false, priority: 1, votes: 1 }])).toBe(3);
  });

  it('grants one vote per term to a candidate at least as fresh', () => {
    const voter = { term: 3, lastVoteTerm: 3, lastApplied: { ts: 100n, t: 3 } };
    expect(grantVote(voter, { term: 4, candidateLastApplied: { ts: 100n, t: 3 }, dryRun: false }).granted).toBe(true);
    expect(grantVote(voter, { term: 3, candidateLastApplied: { ts: 200n, t: 3 }, dryRun: false }).reason).toMatch(/already voted/);
    expect(grantVote(voter, { term: 2, candidateLastApplied: { ts: 200n, t: 3 }, dryRun: false }).reason).toMatch(/lower/);
    expect(grantVote(voter, { term: 4, candidateLastApplied: { ts: 99n, t: 3 }, dryRun: false }).reason).toMatch(/staler/);
  });

  it('an arbiter holds no data, so it votes for any candidate in a new term', () => {
    expect(grantVote({ term: 1, lastVoteTerm: 1, lastApplied: null }, { term: 2, candidateLastApplied: { ts: 0n, t: -1 }, dryRun: false }).granted).toBe(true);
  });

  it('ranks priorities and knows who may stand', () => {
    expect(priorityRank(psa, 'dc-1')).toBe(0);
    expect(priorityRank(psa, 'dc-2')).toBe(1);
    expect(electable(psa[2])).toBe(false);
    expect(electable(psa[1])).toBe(true);
  });

  it('builds electionId from the term like mongod (7fffffff + term)', () => {
    expect(electionIdForTerm(1).toHexString()).toBe('7fffffff0000000000000001');
    expect(electionIdForTerm(258).toHexString()).toBe('7fffffff0000000000000102');
  });
});
