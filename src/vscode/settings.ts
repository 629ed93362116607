// The extension's settings, read in one place.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Budget } from '../check/types';
import { boundedLimits } from '../editor/limits';

export const SECTION = 'daxReview';

export interface Settings {
  budget: Budget;
  /** Most milliseconds one job runs before it is cancelled. */
  deadlineMs: number;
  /** A kernel checkout: the setting, else a workspace folder that holds fs/dax.c, else none. */
  tree: string | null;
  asYouType: boolean;
  rules: string[];
  delay: number;
}

export function kernelTree(): string | null {
  // An untrusted workspace's own value is ignored by VS Code (restrictedConfigurations); a
  // user's value still counts. Files are read only inside the tree, through no link out (src/c/tree.ts).
  const set = vscode.workspace.getConfiguration(SECTION).get<string>('kernelTree', '').trim();
  if (set) return set;
  if (!vscode.workspace.isTrusted) return null;
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme === 'file' && existsSync(path.join(f.uri.fsPath, 'fs', 'dax.c'))) return f.uri.fsPath;
  }
  return null;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const limits = boundedLimits({ maxStates: c.get('budget.maxStates'), maxMs: c.get('budget.maxMs'), deadlineS: c.get('jobDeadline') }, vscode.workspace.isTrusted);
  return {
    budget: limits.budget,
    deadlineMs: limits.deadlineS * 1000,
    tree: kernelTree(),
    asYouType: c.get<boolean>('asYouType.enabled', true),
    rules: c.get<string[]>('asYouType.rules', []),
    delay: Math.max(0, c.get<number>('asYouType.delay', 300)),
  };
}
