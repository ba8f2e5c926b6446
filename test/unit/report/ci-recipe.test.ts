/**
 * The CI recipe (examples/github-actions/nightly-load-test.yml) is a file users
 * copy, so it must be right without running it on GitHub: a valid workflow
 * shape, the steps in an order that works, every `pacs-load` command in it
 * accepted by the real commander program (commands, flags, values), and the
 * file names that tie the steps together agreeing with each other.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/context.js';
import { registerCompare } from '../../../src/cli/commands/compare.js';
import { registerMerge } from '../../../src/cli/commands/merge.js';
import { registerReport } from '../../../src/cli/commands/report.js';
import { registerRun } from '../../../src/cli/commands/run.js';
import { registerSchema } from '../../../src/cli/commands/schema.js';
import { registerSimulate } from '../../../src/cli/commands/simulate.js';
import { registerValidate } from '../../../src/cli/commands/validate.js';
import { loadProfileFile } from '../../../src/profile/load.js';
import { COMPARISON_FORMATS } from '../../../src/report/render-comparison.js';
import { parseTolerances } from '../../../src/report/tolerances.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const WORKFLOW_NAME = 'nightly-load-test.yml';
const WORKFLOW_PATH = join(REPO_ROOT, 'examples/github-actions', WORKFLOW_NAME);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Workflow {
  name: string;
  on: { schedule?: Array<{ cron: string }>; workflow_dispatch?: unknown };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, { 'runs-on': unknown; 'timeout-minutes'?: number; steps: Step[] }>;
}

async function loadWorkflow(): Promise<Workflow> {
  return parse(await readFile(WORKFLOW_PATH, 'utf8')) as Workflow;
}

/** The program as src/cli/main.ts builds it, without running anything. */
function cliProgram(): Command {
  const context: CliContext = {
    out: () => {},
    err: () => {},
    env: {},
    color: false,
    interrupt: new AbortController().signal,
    setExitCode: () => {},
    cwd: REPO_ROOT,
  };
  const program = new Command().name('pacs-load').exitOverride();
  for (const register of [registerRun, registerValidate, registerSchema, registerSimulate, registerCompare, registerMerge, registerReport]) {
    register(program, context);
  }
  return program;
}

/**
 * The words of the `pacs-load` commands in a step's script: line continuations
 * joined, `$VAR` and `"$VAR"` replaced from `env`, double quotes removed, cut
 * at the first redirection or command separator.
 */
function pacsLoadCommands(script: string, env: Record<string, string>): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/\\\n\s*/g, ' ').split('\n')) {
    const at = line.indexOf('npx pacs-load ');
    if (at === -1) continue;
    const words: string[] = [];
    for (const match of line.slice(at + 'npx pacs-load '.length).matchAll(/"([^"]*)"|(\S+)/g)) {
      const word = match[1] ?? match[2] ?? '';
      if (['>>', '>', '|', '||', '&&', ';'].includes(word)) break;
      words.push(word.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => env[name] ?? whole));
    }
    commands.push(words);
  }
  return commands;
}

function optionValue(words: readonly string[], flag: string): string | undefined {
  const index = words.indexOf(flag);
  return index === -1 ? undefined : words[index + 1];
}

describe('examples/github-actions/nightly-load-test.yml', () => {
  it('is a GitHub Actions workflow: a nightly schedule, permissions, one job with named steps', async () => {
    const workflow = await loadWorkflow();
    expect(workflow.name).toBeTypeOf('string');
    const cron = workflow.on.schedule?.[0]?.cron ?? '';
    // Five fields: minute hour day month weekday; every day at a fixed time.
    expect(cron.split(' ')).toHaveLength(5);
    expect(cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toEqual({ contents: 'read', actions: 'read', checks: 'write' });
    const jobs = Object.values(workflow.jobs);
    expect(jobs).toHaveLength(1);
    const job = jobs[0] as Workflow['jobs'][string];
    expect(job['runs-on']).toBeDefined();
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    for (const step of job.steps) {
      expect(step.name, JSON.stringify(step)).toBeTypeOf('string');
      // A step either runs a script or uses an action, never both.
      expect([step.uses, step.run].filter((value) => value !== undefined), step.name).toHaveLength(1);
      if (step.uses !== undefined) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it('checks out, sets up Node, installs, fetches the baseline, runs, compares, keeps artifacts and publishes JUnit, in that order', async () => {
    const { jobs } = await loadWorkflow();
    const steps = (Object.values(jobs)[0] as Workflow['jobs'][string]).steps;
    const indexOf = (test: (step: Step) => boolean): number => {
      const index = steps.findIndex(test);
      expect(index).toBeGreaterThanOrEqual(0);
      return index;
    };
    const order = [
      indexOf((step) => step.uses?.startsWith('actions/checkout@') === true),
      indexOf((step) => step.uses?.startsWith('actions/setup-node@') === true),
      indexOf((step) => step.run?.trim() === 'npm ci'),
      indexOf((step) => step.run?.includes('gh run download') === true),
      indexOf((step) => step.run?.includes('npx pacs-load run ') === true),
      indexOf((step) => step.run?.includes('npx pacs-load compare ') === true),
      indexOf((step) => step.uses?.startsWith('actions/upload-artifact@') === true),
      indexOf((step) => step.uses?.startsWith('mikepenz/action-junit-report@') === true),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const setupNode = steps[order[1] as number] as Step;
    expect(Number(setupNode.with?.['node-version'])).toBeGreaterThanOrEqual(20);
    // After a failed run (exit 99) the comparison, the artifacts and the JUnit check still matter.
    for (const step of steps.slice(order[5])) expect(step.if, step.name).toMatch(/!cancelled\(\)/);
  });

  it('uses only pacs-load commands, flags and values the CLI accepts', async () => {
    const workflow = await loadWorkflow();
    const steps = (Object.values(workflow.jobs)[0] as Workflow['jobs'][string]).steps;
    const commands = steps.flatMap((step) => pacsLoadCommands(step.run ?? '', { ...workflow.env, ...step.env }));
    expect(commands.map((words) => words[0])).toEqual(['run', 'compare']);
    for (const words of commands) {
      const command = cliProgram().commands.find((candidate) => candidate.name() === words[0]);
      expect(command, words.join(' ')).toBeDefined();
      const { operands, unknown } = (command as Command).parseOptions(words.slice(1));
      expect(unknown, words.join(' ')).toEqual([]);
      const required = (command as Command).registeredArguments.filter((argument) => argument.required).length;
      expect(operands.length, words.join(' ')).toBeGreaterThanOrEqual(required);
    }
    const [run, compare] = commands as [string[], string[]];
    expect(await loadProfileFile(join(REPO_ROOT, run[1] as string))).toBeDefined();
    expect(() => parseTolerances(optionValue(compare, '--max-regression') as string)).not.toThrow();
    expect(COMPARISON_FORMATS).toContain(optionValue(compare, '--format'));
    expect(optionValue(compare, '--format')).toBe('md');
  });

  it('ties the steps together: the same file names and artifact names throughout', async () => {
    const workflow = await loadWorkflow();
    const steps = (Object.values(workflow.jobs)[0] as Workflow['jobs'][string]).steps;
    const [run, compare] = steps.flatMap((step) => pacsLoadCommands(step.run ?? '', { ...workflow.env, ...step.env })) as [string[], string[]];
    const summary = optionValue(run, '--out') as string;
    const junit = optionValue(run, '--junit') as string;
    const html = optionValue(run, '--html') as string;
    expect(compare.slice(1, 3)).toEqual(['last-good/summary.json', summary]);
    expect(compare.join(' ')).not.toContain('$');

    const fetch = steps.find((step) => step.run?.includes('gh run download') === true) as Step;
    expect(fetch.env?.['GH_TOKEN']).toBe('${{ github.token }}');
    expect(fetch.run).toContain(`--workflow ${WORKFLOW_NAME}`);
    expect(fetch.run).toContain('--status success');
    const downloadedName = /--name (\S+)/.exec(fetch.run ?? '')?.[1];
    expect(/--dir (\S+)/.exec(fetch.run ?? '')?.[1]).toBe('last-good');

    const uploads = steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@') === true);
    const baseline = uploads.find((step) => step.with?.['name'] === downloadedName);
    expect(baseline?.with?.['path']).toBe(summary);
    const reports = uploads.find((step) => step !== baseline);
    expect(String(reports?.with?.['path']).split('\n').filter(Boolean)).toEqual([html, junit]);

    const junitReport = steps.find((step) => step.uses?.startsWith('mikepenz/action-junit-report@') === true) as Step;
    expect(junitReport.with?.['report_paths']).toBe(junit);
    const compareStep = steps.find((step) => step.run?.includes('npx pacs-load compare') === true) as Step;
    expect(compareStep.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(compareStep.if).toContain(`hashFiles('${summary}')`);
    expect(compareStep.if).toContain("hashFiles('last-good/summary.json')");
  });
});
