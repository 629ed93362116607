// The extension's budgets and job deadline: bounded always, and to the defaults in an
// untrusted workspace, whose own values for them VS Code ignores (restrictedConfigurations).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { boundedLimits, DEFAULTS, TRUSTED_MAX } from '../../../src/editor/limits';

describe('vscode: limits on the settings', () => {
  it('an untrusted workspace gets no budget or deadline above the defaults', () => {
    const l = boundedLimits({ maxStates: 1e12, maxMs: 1e12, deadlineS: 1e9 }, false);
    assert.deepEqual(l, DEFAULTS);
  });

  it('a trusted workspace may raise them up to their ceilings, never to unbounded', () => {
    const l = boundedLimits({ maxStates: Infinity, maxMs: 1e12, deadlineS: 1e9 }, true);
    assert.equal(l.budget.maxStates, DEFAULTS.budget.maxStates); // not a finite number: the default
    assert.equal(l.budget.maxMs, TRUSTED_MAX.budget.maxMs);
    assert.equal(l.deadlineS, TRUSTED_MAX.deadlineS);
    assert.equal(boundedLimits({ maxStates: 2e6 }, true).budget.maxStates, 2e6);
    assert.equal(boundedLimits({ maxStates: -5, maxMs: 'x' }, true).budget.maxStates, 1);
  });

  it('package.json restricts the kernel tree and the budgets in untrusted workspaces, and caps them', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    for (const k of ['daxReview.kernelTree', 'daxReview.budget.maxStates', 'daxReview.budget.maxMs', 'daxReview.jobDeadline']) assert.ok(u.restrictedConfigurations.includes(k), k);
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['daxReview.budget.maxStates'].maximum, TRUSTED_MAX.budget.maxStates);
    assert.equal(props['daxReview.budget.maxMs'].maximum, TRUSTED_MAX.budget.maxMs);
    assert.equal(props['daxReview.jobDeadline'].maximum, TRUSTED_MAX.deadlineS);
  });
});
