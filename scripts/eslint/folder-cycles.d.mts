import type { Rule } from 'eslint';

declare const rule: Rule.RuleModule;
export default rule;
export function folderOf(root: string, file: string): string;
export function targetFolder(root: string, file: string, specifier: string): string | null;
export function folderGraph(root: string): Map<string, Set<string>>;
export function pathBetween(graph: Map<string, Set<string>>, start: string, goal: string): string[] | null;
