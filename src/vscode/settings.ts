// The extension's settings, read in one place.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Budget } from '../check/types';

export const SECTION = 'daxReview';

export interface Settings {
  budget: Budget;
  /** A kernel checkout: the setting, else a workspace folder that holds fs/dax.c, else none. */
  tree: string | null;
  asYouType: boolean;
  rules: string[];
  delay: number;
}

export function kernelTree(): string | null {
  const set = vscode.workspace.getConfiguration(SECTION).get<string>('kernelTree', '').trim();
  if (set) return set;
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme === 'file' && existsSync(path.join(f.uri.fsPath, 'fs', 'dax.c'))) return f.uri.fsPath;
  }
  return null;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    budget: {
      maxStates: Math.max(1, c.get<number>('budget.maxStates', 500000)),
      maxMs: Math.max(1, c.get<number>('budget.maxMs', 20000)),
    },
    tree: kernelTree(),
    asYouType: c.get<boolean>('asYouType.enabled', true),
    rules: c.get<string[]>('asYouType.rules', []),
    delay: Math.max(0, c.get<number>('asYouType.delay', 300)),
  };
}
